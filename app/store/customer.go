package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CustomerByNumber loads a customer by card number.
func (s *Store) CustomerByNumber(ctx context.Context, number string) (*Customer, error) {
	c := new(Customer)
	err := s.db.NewSelect().Model(c).Where("number = ?", number).Limit(1).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "store: customer "+number)
	}
	return c, nil
}

// Customer loads a customer by id.
func (s *Store) Customer(ctx context.Context, id int64) (*Customer, error) {
	c := new(Customer)
	if err := s.db.NewSelect().Model(c).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, fmt.Sprintf("store: customer %d", id))
	}
	return c, nil
}

// CustomerByPortalToken loads the customer whose message-page link carries token.
func (s *Store) CustomerByPortalToken(ctx context.Context, token string) (*Customer, error) {
	c := new(Customer)
	if err := s.db.NewSelect().Model(c).Where("portal_token = ?", token).Limit(1).Scan(ctx); err != nil {
		return nil, notFound(err, "store: customer by portal token")
	}
	return c, nil
}

// NumberTaken reports whether a card number is in use by a customer other than exceptID.
func (s *Store) NumberTaken(ctx context.Context, number string, exceptID int64) (bool, error) {
	n, err := s.db.NewSelect().Model((*Customer)(nil)).Where("number = ?", number).Where("id <> ?", exceptID).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("store: number taken %s: %w", number, err)
	}
	return n > 0, nil
}

// InsertCustomer adds a customer; a taken number gives ErrConflict.
func (s *Store) InsertCustomer(ctx context.Context, c *Customer) error {
	if _, err := s.db.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: insert customer %s: %w", c.Number, ErrConflict)
		}
		return fmt.Errorf("store: insert customer %s: %w", c.Number, err)
	}
	return nil
}

// UpdateCustomer saves the editable fields of a customer. The balance is never written here:
// only the ledger moves it.
func (s *Store) UpdateCustomer(ctx context.Context, c *Customer) error {
	_, err := s.db.NewUpdate().Model(c).
		Column("number", "group_id", "first_name", "last_name", "first_name_key", "last_name_key", "address", "city", "voivodeship", "postal_code",
			"sex", "birth_date", "company", "nip", "phone", "email", "consent_email", "consent_sms",
			"referred_by_id", "updated_at").
		WherePK().Exec(ctx)
	if err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: update customer %s: %w", c.Number, ErrConflict)
		}
		return fmt.Errorf("store: update customer %d: %w", c.ID, err)
	}
	return nil
}

// MaxNumericNumber is the largest all-digit card number, for generating the next one.
func (s *Store) MaxCustomerID(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.NewSelect().Model((*Customer)(nil)).ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("store: max customer id: %w", err)
	}
	return id, nil
}

// RegisterRow is a customer as the register lists it.
type RegisterRow struct {
	ID        int64  `bun:"id"`
	Number    string `bun:"number"`
	FirstName string `bun:"first_name"`
	LastName  string `bun:"last_name"`
	City      string `bun:"city"`
	Email     string `bun:"email"`
	Phone     string `bun:"phone"`
	Balance   int64  `bun:"balance"`
	GroupName string `bun:"group_name"`
}

// SearchCustomers returns one page of the register: with an empty query the newest customers
// first; otherwise customers whose card number, last or first name, e-mail or phone starts with
// q. It asks for limit+1 rows so the caller knows whether there is a next page.
//
// A search is a UNION ALL of one branch per field, each a prefix range on its own index that
// also gives the branch's order, so each branch stops after offset+limit+1 rows however common
// the prefix (one OR over five columns made PostgreSQL walk the last-name index from "a" for
// "kow": 0.9 s at a million customers). A customer found by several branches counts in the
// first of them (number, last name, first name, e-mail, phone), which is also the order of the
// results. The pages are still exact: a row among the first offset+limit of that order is among
// the first offset+limit rows of its own branch, so every branch's LIMIT keeps it.
func (s *Store) SearchCustomers(ctx context.Context, q string, offset, limit int) ([]RegisterRow, error) {
	var rows []RegisterRow
	q = strings.TrimSpace(q)
	if q == "" {
		err := s.db.NewSelect().TableExpr("customers AS c").
			ColumnExpr("c.id, c.number, c.first_name, c.last_name, c.city, c.email, c.phone, c.balance").
			ColumnExpr("COALESCE(g.name, '') AS group_name").
			Join("LEFT JOIN customer_groups AS g ON g.id = c.group_id").
			OrderExpr("c.id DESC").Offset(int64(offset)).Limit(int64(limit+1)).Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("store: register page: %w", err)
		}
		return rows, nil
	}
	ci := s.dialectVars().ci
	type branch struct {
		col, key2, prefix string
	}
	key, lower := SearchKey(q), strings.ToLower(q)
	branches := []branch{{"c.number", "", lower}, {"c.last_name_key", "c.first_name_key", key}, {"c.first_name_key", "", key}, {"c.email", "", lower}}
	if p := phonePrefix(q); p != "" {
		branches = append(branches, branch{"c.phone", "", p})
	}
	// On SQLite an explicit range gives the index its bounds: SQLite does not derive them from
	// LIKE when the pattern starts with a digit or "+" (card numbers, phones: a full index scan,
	// 0.2 s at a million customers). PostgreSQL derives them itself, and plans worse with both.
	match := func(b branch) (string, []any) {
		like := ci(b.col) + " LIKE " + s.collate("?") + ` ESCAPE '\'`
		if !s.sqlite {
			return like, []any{escapeLike(b.prefix) + "%"}
		}
		return ci(b.col) + " >= ? AND " + ci(b.col) + " < ? AND " + like,
			[]any{b.prefix, b.prefix + "\U0010FFFF", escapeLike(b.prefix) + "%"}
	}
	var parts []string
	var args []any
	k1 := "CASE m.rank"
	for i, b := range branches {
		cond, condArgs := match(b)
		args = append(args, condArgs...)
		order := ci(b.col) + ", c.id"
		if b.key2 != "" {
			order = ci(b.col) + ", " + ci(b.key2) + ", c.id"
		}
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT c.id, %d AS rank FROM customers AS c
			WHERE %s ORDER BY %s LIMIT %d) AS b%d`, i, cond, order, offset+limit+1, i))
		k1 += fmt.Sprintf(" WHEN %d THEN %s", i, ci(b.col))
	}
	k1 += " END"
	query := `SELECT c.id, c.number, c.first_name, c.last_name, c.city, c.email, c.phone, c.balance,
		COALESCE(g.name, '') AS group_name
		FROM (SELECT id, MIN(rank) AS rank FROM (` + strings.Join(parts, " UNION ALL ") + `) AS u GROUP BY id) AS m
		JOIN customers AS c ON c.id = m.id
		LEFT JOIN customer_groups AS g ON g.id = c.group_id
		ORDER BY m.rank, ` + k1 + `, CASE WHEN m.rank = 1 THEN ` + ci("c.first_name_key") + ` END, m.id LIMIT ? OFFSET ?`
	args = append(args, limit+1, offset)
	if err := s.db.NewRaw(query, args...).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: search customers %q: %w", q, err)
	}
	return rows, nil
}

// collate makes a LIKE pattern compare under the index's collation on PostgreSQL.
func (s *Store) collate(placeholder string) string {
	if s.sqlite {
		return placeholder
	}
	return placeholder + ` COLLATE "C"`
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// phonePrefix turns what staff type ("600 100", "+48600", "48600") into a prefix of the stored
// E.164 form; "" when q is not phone-like.
func phonePrefix(q string) string {
	var b strings.Builder
	for i, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '-':
		default:
			return ""
		}
	}
	d := b.String()
	if len(d) < 3 {
		return ""
	}
	if strings.HasPrefix(q, "+") || strings.HasPrefix(d, "48") && len(d) > 9 {
		return "+" + d
	}
	if strings.HasPrefix(d, "48") {
		return "+" + d
	}
	return "+48" + d
}

// ReferralRow is a customer who joined on someone's referral.
type ReferralRow struct {
	ID         int64     `bun:"id"`
	Number     string    `bun:"number"`
	FirstName  string    `bun:"first_name"`
	LastName   string    `bun:"last_name"`
	CreatedAt  time.Time `bun:"created_at"`
	Successful bool      `bun:"successful"` // a referral_success scenario ran for it
}

// Referrals lists the customers who joined on referral from customerID, newest first, with
// whether the referral counted as successful.
func (s *Store) Referrals(ctx context.Context, customerID int64, offset, limit int) ([]ReferralRow, error) {
	var rows []ReferralRow
	err := s.db.NewSelect().TableExpr("customers AS c").
		ColumnExpr("c.id, c.number, c.first_name, c.last_name, c.created_at").
		ColumnExpr(`EXISTS (SELECT 1 FROM scenario_runs AS r WHERE r.customer_id = c.referred_by_id
			AND r.occurrence = 'refok:' || CAST(c.id AS VARCHAR(20)) AND r.status = 'done') AS successful`).
		Where("c.referred_by_id = ?", customerID).
		OrderExpr("c.id DESC").Offset(int64(offset)).Limit(int64(limit+1)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: referrals of %d: %w", customerID, err)
	}
	return rows, nil
}

// InsertConsent appends a consent change.
func (s *Store) InsertConsent(ctx context.Context, c *Consent) error {
	if _, err := s.db.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert consent: %w", err)
	}
	return nil
}

// ConsentHistory lists a customer's consent changes, newest first.
func (s *Store) ConsentHistory(ctx context.Context, customerID int64) ([]ConsentRow, error) {
	var rows []ConsentRow
	err := s.db.NewSelect().TableExpr("consents AS k").
		ColumnExpr("k.id, k.channel, k.status, k.source, k.created_at, COALESCE(u.name, '') AS staff_name").
		Join("LEFT JOIN staff_users AS u ON u.id = k.staff_user_id").
		Where("k.customer_id = ?", customerID).OrderExpr("k.id DESC").Limit(50).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: consents of %d: %w", customerID, err)
	}
	return rows, nil
}

// CountCustomers counts every customer (zero on a fresh install).
func (s *Store) CountCustomers(ctx context.Context) (int, error) {
	n, err := s.db.NewSelect().Model((*Customer)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: count customers: %w", err)
	}
	return int(n), nil
}
