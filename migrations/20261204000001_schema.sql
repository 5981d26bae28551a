-- The whole data model of DESIGN.md. Times are stored in UTC and set from Go (never by a
-- DEFAULT CURRENT_TIMESTAMP, whose SQLite text format would break ordering).

CREATE TABLE settings (
    id                   {{.PK}},
    conversion_rate      BIGINT NOT NULL,            -- points per 1 PLN × 10 000 (4 decimals)
    points_validity_days INTEGER NOT NULL DEFAULT 0, -- 0 = points never expire
    allow_negative       BOOLEAN NOT NULL DEFAULT FALSE,
    mail_from            VARCHAR(200) NOT NULL DEFAULT '',
    sms_from             VARCHAR(20) NOT NULL DEFAULT '',
    created_at           {{.TS}} NOT NULL,
    updated_at           {{.TS}} NOT NULL
);

CREATE TABLE customer_groups (
    id              {{.PK}},
    name            VARCHAR(100) NOT NULL,
    conversion_rate BIGINT,                 -- NULL = the global rate; × 10 000
    discount_pct    INTEGER NOT NULL DEFAULT 0,
    created_at      {{.TS}} NOT NULL
);
CREATE UNIQUE INDEX customer_groups_name ON customer_groups (name);

CREATE TABLE staff_users (
    id            {{.PK}},
    login         VARCHAR(64) NOT NULL,
    name          VARCHAR(200) NOT NULL DEFAULT '',
    password_hash VARCHAR(100) NOT NULL,
    role          VARCHAR(16) NOT NULL,     -- admin | operator
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    {{.TS}} NOT NULL
);
CREATE UNIQUE INDEX staff_users_login ON staff_users (login);

CREATE TABLE locations (
    id         {{.PK}},
    name       VARCHAR(200) NOT NULL,
    city       VARCHAR(100) NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{.TS}} NOT NULL
);

CREATE TABLE customers (
    id             {{.PK}},
    number         VARCHAR(32) NOT NULL,
    group_id       BIGINT REFERENCES customer_groups (id),
    balance        BIGINT NOT NULL DEFAULT 0,     -- cached; always equal to SUM(point_operations.points)
    ops_count      BIGINT NOT NULL DEFAULT 0,     -- ledger rows so far; gives each its Lp. (seq)
    first_name     VARCHAR(100) NOT NULL,
    last_name      VARCHAR(100) NOT NULL,
    first_name_key VARCHAR(100) NOT NULL,        -- lower case, Polish letters folded (ł→l): search key
    last_name_key  VARCHAR(100) NOT NULL,
    address        VARCHAR(200) NOT NULL DEFAULT '',
    city           VARCHAR(100) NOT NULL DEFAULT '',
    voivodeship    VARCHAR(32) NOT NULL DEFAULT '',
    postal_code    VARCHAR(6) NOT NULL DEFAULT '',
    sex            VARCHAR(1) NOT NULL DEFAULT '',
    birth_date     VARCHAR(10) NOT NULL DEFAULT '', -- YYYY-MM-DD or ''; text so month-day matching is portable
    company        VARCHAR(200) NOT NULL DEFAULT '',
    nip            VARCHAR(10) NOT NULL DEFAULT '',
    phone          VARCHAR(20) NOT NULL DEFAULT '',  -- E.164
    email          VARCHAR(254) NOT NULL DEFAULT '',
    consent_email  VARCHAR(16) NOT NULL DEFAULT 'unknown', -- current status; history in consents
    consent_sms    VARCHAR(16) NOT NULL DEFAULT 'unknown',
    referred_by_id BIGINT REFERENCES customers (id),
    portal_token   VARCHAR(64) NOT NULL,           -- secret of the customer-facing message page
    created_at     {{.TS}} NOT NULL,
    updated_at     {{.TS}} NOT NULL
);
CREATE UNIQUE INDEX customers_number ON customers (number);
CREATE UNIQUE INDEX customers_portal_token ON customers (portal_token);
CREATE INDEX customers_referred_by ON customers (referred_by_id, id);
CREATE INDEX customers_group ON customers (group_id);
-- Register search: prefix matches walk an index that also gives the order (DESIGN.md, traps).
CREATE INDEX customers_number_ci ON customers ({{.CI "number"}}, id);
CREATE INDEX customers_last_name_ci ON customers ({{.CI "last_name_key"}}, {{.CI "first_name_key"}}, id);
CREATE INDEX customers_first_name_ci ON customers ({{.CI "first_name_key"}}, id);
CREATE INDEX customers_email_ci ON customers ({{.CI "email"}}, id);
CREATE INDEX customers_phone_ci ON customers ({{.CI "phone"}}, id);
CREATE INDEX customers_birthday ON customers (substr(birth_date, 6, 5));

CREATE TABLE consents (
    id            {{.PK}},
    customer_id   BIGINT NOT NULL REFERENCES customers (id),
    channel       VARCHAR(8) NOT NULL,   -- email | sms
    status        VARCHAR(16) NOT NULL,  -- unknown | granted | refused | withdrawn
    source        VARCHAR(100) NOT NULL, -- e.g. formularz w karcie klienta, import, demo
    staff_user_id BIGINT REFERENCES staff_users (id),
    created_at    {{.TS}} NOT NULL
);
CREATE INDEX consents_customer ON consents (customer_id, channel, id);

CREATE TABLE rewards (
    id          {{.PK}},
    name        VARCHAR(200) NOT NULL,
    type        VARCHAR(100) NOT NULL DEFAULT '',
    points      BIGINT NOT NULL,
    photo       VARCHAR(200) NOT NULL DEFAULT '',  -- file name under DATA_DIR/photos
    stock       BIGINT,                            -- NULL = unlimited
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  {{.TS}} NOT NULL
);

CREATE TABLE reward_orders (
    id                 {{.PK}},
    customer_id        BIGINT NOT NULL REFERENCES customers (id),
    reward_id          BIGINT NOT NULL REFERENCES rewards (id),
    quantity           INTEGER NOT NULL,
    points             BIGINT NOT NULL,
    status             VARCHAR(16) NOT NULL,   -- new | processing | shipped | issued | cancelled
    status_at          {{.TS}} NOT NULL,
    point_operation_id BIGINT,
    location_id        BIGINT REFERENCES locations (id),
    staff_user_id      BIGINT REFERENCES staff_users (id),
    created_at         {{.TS}} NOT NULL
);
CREATE INDEX reward_orders_customer ON reward_orders (customer_id, id);

CREATE TABLE reward_order_events (
    id            {{.PK}},
    order_id      BIGINT NOT NULL REFERENCES reward_orders (id),
    status        VARCHAR(16) NOT NULL,
    staff_user_id BIGINT REFERENCES staff_users (id),
    created_at    {{.TS}} NOT NULL
);
CREATE INDEX reward_order_events_order ON reward_order_events (order_id, id);

CREATE TABLE point_operations (
    id              {{.PK}},
    customer_id     BIGINT NOT NULL REFERENCES customers (id),
    seq             BIGINT NOT NULL,        -- 1, 2, 3 … per customer: the tab's "Lp." and its keyset
    kind            VARCHAR(16) NOT NULL,   -- add | subtract | expire | cancel | reward | refund
    occurred_at     {{.TS}} NOT NULL,
    amount          BIGINT,                 -- purchase amount in grosze; NULL when not a purchase
    points          BIGINT NOT NULL,        -- signed
    balance_after   BIGINT NOT NULL,
    reward_order_id BIGINT REFERENCES reward_orders (id),
    cancels_id      BIGINT REFERENCES point_operations (id),
    staff_user_id   BIGINT REFERENCES staff_users (id), -- NULL = automatic
    location_id     BIGINT REFERENCES locations (id),
    document        VARCHAR(100) NOT NULL DEFAULT '',
    description     VARCHAR(500) NOT NULL DEFAULT '',
    created_at      {{.TS}} NOT NULL
);
-- The points tab pages newest first by seq (keyset), so (customer_id, seq) gives order and bound;
-- unique, so two writers can never give one customer the same Lp.
CREATE UNIQUE INDEX point_operations_customer ON point_operations (customer_id, seq);
CREATE INDEX point_operations_document ON point_operations (customer_id, document);
CREATE UNIQUE INDEX point_operations_cancels ON point_operations (cancels_id);

CREATE TABLE scenarios (
    id             {{.PK}},
    name           VARCHAR(200) NOT NULL,
    trigger_kind   VARCHAR(32) NOT NULL,  -- joined | birthday | points_added | reward_issued | referral | referral_success | inactive
    threshold      BIGINT NOT NULL DEFAULT 0,    -- points_added: min points; referral_success: grosze or points; inactive: days
    threshold_unit VARCHAR(8) NOT NULL DEFAULT '', -- referral_success: amount | points
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     {{.TS}} NOT NULL,
    updated_at     {{.TS}} NOT NULL
);
CREATE INDEX scenarios_trigger ON scenarios (trigger_kind, active);

CREATE TABLE scenario_actions (
    id          {{.PK}},
    scenario_id BIGINT NOT NULL REFERENCES scenarios (id),
    position    INTEGER NOT NULL,
    kind        VARCHAR(16) NOT NULL,   -- add_points | send_email | send_sms | send_internal
    points      BIGINT NOT NULL DEFAULT 0,
    subject     VARCHAR(300) NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    created_at  {{.TS}} NOT NULL
);
CREATE INDEX scenario_actions_scenario ON scenario_actions (scenario_id, position);

CREATE TABLE scenario_runs (
    id             {{.PK}},
    scenario_id    BIGINT NOT NULL REFERENCES scenarios (id),
    customer_id    BIGINT NOT NULL REFERENCES customers (id),
    occurrence     VARCHAR(64) NOT NULL,   -- what makes a run unique: 'joined', '2026' (birthday), 'ref:123' …
    status         VARCHAR(16) NOT NULL,   -- running | done | failed | skipped
    status_at      {{.TS}} NOT NULL,
    reason         VARCHAR(500) NOT NULL DEFAULT '',
    staff_user_id  BIGINT REFERENCES staff_users (id), -- set when triggered by hand
    created_at     {{.TS}} NOT NULL
);
-- At most one run per scenario, customer and occurrence, whoever races.
CREATE UNIQUE INDEX scenario_runs_once ON scenario_runs (scenario_id, customer_id, occurrence);
CREATE INDEX scenario_runs_customer ON scenario_runs (customer_id, id);

CREATE TABLE messages (
    id              {{.PK}},
    channel         VARCHAR(8) NOT NULL,    -- email | sms | internal
    customer_id     BIGINT NOT NULL REFERENCES customers (id),
    recipient       VARCHAR(254) NOT NULL DEFAULT '',
    subject         VARCHAR(300) NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    send_at         {{.TS}} NOT NULL,
    sent_at         {{.TS}},
    read_at         {{.TS}},
    status          VARCHAR(16) NOT NULL,   -- scheduled | sending | sent | failed | deleted | unread | read
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      VARCHAR(500) NOT NULL DEFAULT '',
    provider_id     VARCHAR(100) NOT NULL DEFAULT '',
    resend_of_id    BIGINT REFERENCES messages (id),
    staff_user_id   BIGINT REFERENCES staff_users (id), -- NULL = automatic
    scenario_run_id BIGINT REFERENCES scenario_runs (id),
    created_at      {{.TS}} NOT NULL,
    updated_at      {{.TS}} NOT NULL
);
CREATE INDEX messages_customer ON messages (customer_id, channel, id);
-- The reconciler's scan: due scheduled rows and stale sending rows.
CREATE INDEX messages_due ON messages (status, send_at);
CREATE INDEX messages_provider ON messages (provider_id);

CREATE TABLE audit_log (
    id            {{.PK}},
    staff_user_id BIGINT REFERENCES staff_users (id),
    customer_id   BIGINT REFERENCES customers (id),
    action        VARCHAR(64) NOT NULL,
    detail        VARCHAR(1000) NOT NULL DEFAULT '',
    created_at    {{.TS}} NOT NULL
);
CREATE INDEX audit_log_customer ON audit_log (customer_id, id);
