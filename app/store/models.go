package store

import (
	"time"

	"github.com/uptrace/bun"
)

// Settings is the single row of global settings.
type Settings struct {
	bun.BaseModel      `bun:"table:settings"`
	ID                 int64     `bun:"id,pk,autoincrement"`
	ConversionRate     int64     `bun:"conversion_rate"` // points per 1 PLN × 10 000
	PointsValidityDays int       `bun:"points_validity_days"`
	AllowNegative      bool      `bun:"allow_negative"`
	MailFrom           string    `bun:"mail_from"`
	SMSFrom            string    `bun:"sms_from"`
	CreatedAt          time.Time `bun:"created_at"`
	UpdatedAt          time.Time `bun:"updated_at"`
}

// RateScale is the fixed-point scale of conversion rates: 4 decimals.
const RateScale = 10000

// Group is a customer group, with an optional conversion-rate override.
type Group struct {
	bun.BaseModel  `bun:"table:customer_groups"`
	ID             int64     `bun:"id,pk,autoincrement"`
	Name           string    `bun:"name"`
	ConversionRate *int64    `bun:"conversion_rate"`
	DiscountPct    int       `bun:"discount_pct"`
	CreatedAt      time.Time `bun:"created_at"`
}

// Staff is a back-office user.
type Staff struct {
	bun.BaseModel `bun:"table:staff_users"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Login         string    `bun:"login"`
	Name          string    `bun:"name"`
	PasswordHash  string    `bun:"password_hash"`
	Role          string    `bun:"role"`
	Active        bool      `bun:"active"`
	CreatedAt     time.Time `bun:"created_at"`
}

// Staff roles.
const (
	RoleAdmin    = "admin"
	RoleOperator = "operator"
)

// Location is a shop or branch where operations happen.
type Location struct {
	bun.BaseModel `bun:"table:locations"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Name          string    `bun:"name"`
	City          string    `bun:"city"`
	Active        bool      `bun:"active"`
	CreatedAt     time.Time `bun:"created_at"`
}

// Customer is one loyalty-program account.
type Customer struct {
	bun.BaseModel `bun:"table:customers"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Number        string    `bun:"number"`
	GroupID       *int64    `bun:"group_id"`
	Balance       int64     `bun:"balance"`
	OpsCount      int64     `bun:"ops_count"`
	FirstName     string    `bun:"first_name"`
	LastName      string    `bun:"last_name"`
	FirstNameKey  string    `bun:"first_name_key"` // set by BeforeAppendModel
	LastNameKey   string    `bun:"last_name_key"`
	Address       string    `bun:"address"`
	City          string    `bun:"city"`
	Voivodeship   string    `bun:"voivodeship"`
	PostalCode    string    `bun:"postal_code"`
	Sex           string    `bun:"sex"`
	BirthDate     string    `bun:"birth_date"`
	Company       string    `bun:"company"`
	NIP           string    `bun:"nip"`
	Phone         string    `bun:"phone"`
	Email         string    `bun:"email"`
	ConsentEmail  string    `bun:"consent_email"`
	ConsentSMS    string    `bun:"consent_sms"`
	ReferredByID  *int64    `bun:"referred_by_id"`
	PortalToken   string    `bun:"portal_token"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// Consent is one change of a customer's consent for a channel; rows are only ever added.
type Consent struct {
	bun.BaseModel `bun:"table:consents"`
	ID            int64     `bun:"id,pk,autoincrement"`
	CustomerID    int64     `bun:"customer_id"`
	Channel       string    `bun:"channel"`
	Status        string    `bun:"status"`
	Source        string    `bun:"source"`
	StaffUserID   *int64    `bun:"staff_user_id"`
	CreatedAt     time.Time `bun:"created_at"`
}

// PointOperation is one row of the append-only points ledger.
type PointOperation struct {
	bun.BaseModel `bun:"table:point_operations"`
	ID            int64     `bun:"id,pk,autoincrement"`
	CustomerID    int64     `bun:"customer_id"`
	Seq           int64     `bun:"seq"`
	Kind          string    `bun:"kind"`
	OccurredAt    time.Time `bun:"occurred_at"`
	Amount        *int64    `bun:"amount"` // grosze
	Points        int64     `bun:"points"`
	BalanceAfter  int64     `bun:"balance_after"`
	RewardOrderID *int64    `bun:"reward_order_id"`
	CancelsID     *int64    `bun:"cancels_id"`
	StaffUserID   *int64    `bun:"staff_user_id"`
	LocationID    *int64    `bun:"location_id"`
	Document      string    `bun:"document"`
	Description   string    `bun:"description"`
	CreatedAt     time.Time `bun:"created_at"`
}

// Reward is an item of the reward catalogue.
type Reward struct {
	bun.BaseModel `bun:"table:rewards"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Name          string    `bun:"name"`
	Type          string    `bun:"type"`
	Points        int64     `bun:"points"`
	Photo         string    `bun:"photo"`
	Stock         *int64    `bun:"stock"`
	Active        bool      `bun:"active"`
	Description   string    `bun:"description"`
	CreatedAt     time.Time `bun:"created_at"`
}

// RewardOrder is a reward issued to a customer for points.
type RewardOrder struct {
	bun.BaseModel    `bun:"table:reward_orders"`
	ID               int64     `bun:"id,pk,autoincrement"`
	CustomerID       int64     `bun:"customer_id"`
	RewardID         int64     `bun:"reward_id"`
	Quantity         int       `bun:"quantity"`
	Points           int64     `bun:"points"`
	Status           string    `bun:"status"`
	StatusAt         time.Time `bun:"status_at"`
	PointOperationID *int64    `bun:"point_operation_id"`
	LocationID       *int64    `bun:"location_id"`
	StaffUserID      *int64    `bun:"staff_user_id"`
	CreatedAt        time.Time `bun:"created_at"`
}

// RewardOrderEvent records each status an order went through, with its date.
type RewardOrderEvent struct {
	bun.BaseModel `bun:"table:reward_order_events"`
	ID            int64     `bun:"id,pk,autoincrement"`
	OrderID       int64     `bun:"order_id"`
	Status        string    `bun:"status"`
	StaffUserID   *int64    `bun:"staff_user_id"`
	CreatedAt     time.Time `bun:"created_at"`
}

// Message is an e-mail, SMS or internal message, scheduled or sent.
type Message struct {
	bun.BaseModel `bun:"table:messages"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Channel       string     `bun:"channel"`
	CustomerID    int64      `bun:"customer_id"`
	Recipient     string     `bun:"recipient"`
	Subject       string     `bun:"subject"`
	Body          string     `bun:"body"`
	SendAt        time.Time  `bun:"send_at"`
	SentAt        *time.Time `bun:"sent_at"`
	ReadAt        *time.Time `bun:"read_at"`
	Status        string     `bun:"status"`
	Attempts      int        `bun:"attempts"`
	LastError     string     `bun:"last_error"`
	ProviderID    string     `bun:"provider_id"`
	ResendOfID    *int64     `bun:"resend_of_id"`
	StaffUserID   *int64     `bun:"staff_user_id"`
	ScenarioRunID *int64     `bun:"scenario_run_id"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

// Message channels.
const (
	ChannelEmail    = "email"
	ChannelSMS      = "sms"
	ChannelInternal = "internal"
)

// Scenario is a marketing-automation rule: a trigger and its actions.
type Scenario struct {
	bun.BaseModel `bun:"table:scenarios"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Name          string    `bun:"name"`
	Trigger       string    `bun:"trigger_kind"`
	Threshold     int64     `bun:"threshold"`
	ThresholdUnit string    `bun:"threshold_unit"`
	Active        bool      `bun:"active"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// ScenarioAction is one step of a scenario.
type ScenarioAction struct {
	bun.BaseModel `bun:"table:scenario_actions"`
	ID            int64     `bun:"id,pk,autoincrement"`
	ScenarioID    int64     `bun:"scenario_id"`
	Position      int       `bun:"position"`
	Kind          string    `bun:"kind"`
	Points        int64     `bun:"points"`
	Subject       string    `bun:"subject"`
	Body          string    `bun:"body"`
	CreatedAt     time.Time `bun:"created_at"`
}

// ScenarioRun is one realisation of a scenario on a customer's account.
type ScenarioRun struct {
	bun.BaseModel `bun:"table:scenario_runs"`
	ID            int64     `bun:"id,pk,autoincrement"`
	ScenarioID    int64     `bun:"scenario_id"`
	CustomerID    int64     `bun:"customer_id"`
	Occurrence    string    `bun:"occurrence"`
	Status        string    `bun:"status"`
	StatusAt      time.Time `bun:"status_at"`
	Reason        string    `bun:"reason"`
	StaffUserID   *int64    `bun:"staff_user_id"`
	CreatedAt     time.Time `bun:"created_at"`
}

// AuditEntry records who did what to which customer.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`
	ID            int64     `bun:"id,pk,autoincrement"`
	StaffUserID   *int64    `bun:"staff_user_id"`
	CustomerID    *int64    `bun:"customer_id"`
	Action        string    `bun:"action"`
	Detail        string    `bun:"detail"`
	CreatedAt     time.Time `bun:"created_at"`
}
