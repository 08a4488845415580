-- Yearly days-off tables entered by an administrator (scope calendar.admin). A row replaces the shipped
-- table for its year (services/Calendar/Data/vn-days-off.json): the government publishes each year's
-- exact schedule, and it must take effect without a redeploy. Kept as the published JSON of that year.
CREATE TABLE calendar_years (
    year       int         PRIMARY KEY CHECK (year BETWEEN 1900 AND 2100),
    table_json jsonb       NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL
);
