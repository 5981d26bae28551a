package store

import "time"

// ConsentRow is a consent change with the staff member's name.
type ConsentRow struct {
	ID        int64     `bun:"id"`
	Channel   string    `bun:"channel"`
	Status    string    `bun:"status"`
	Source    string    `bun:"source"`
	CreatedAt time.Time `bun:"created_at"`
	StaffName string    `bun:"staff_name"`
}
