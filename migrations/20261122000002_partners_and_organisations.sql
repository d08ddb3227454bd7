-- The top of the tenancy hierarchy. These are identity tables: they are the tenants rather than
-- data inside one, so they carry no organisation_id and are reached only through the tenancy
-- module. Ids are UUIDv7, made in Rust.
CREATE TABLE partners (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    support_email text NOT NULL UNIQUE CHECK (length(support_email) BETWEEN 3 AND 254),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organisations (
    id         uuid PRIMARY KEY,
    partner_id uuid REFERENCES partners (id),
    slug       text NOT NULL UNIQUE
               CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX organisations_partner_id_idx ON organisations (partner_id);
