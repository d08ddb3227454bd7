-- Customers (issue 17), continued: a client's locations (sites, offices) and the things the
-- organisation looks after for them (assets), with the tickets about each asset.
-- Tenant tables: organisation_id leads every key, composite foreign keys, RLS ENABLE + FORCE.

-- A contact can be named together with their client by one key, so an asset's assigned
-- contact is provably someone at the asset's client.
CREATE UNIQUE INDEX contacts_at_client ON contacts (organisation_id, client_id, id);

CREATE TABLE locations (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    client_id       uuid NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address         text NOT NULL DEFAULT '' CHECK (length(address) <= 1000),
    notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, client_id, id),
    FOREIGN KEY (organisation_id, client_id) REFERENCES clients (organisation_id, id) ON DELETE CASCADE
);
-- One "Head office" per client, whatever its case; also the client page's order.
CREATE UNIQUE INDEX locations_one_name ON locations (organisation_id, client_id, lower(name));
ALTER TABLE locations ENABLE ROW LEVEL SECURITY;
ALTER TABLE locations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON locations USING (organisation_id = (SELECT current_tenant_id()));

CREATE TABLE assets (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    client_id       uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('workstation', 'laptop', 'server', 'network_device',
                                                  'printer', 'phone', 'software_licence', 'other')),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    manufacturer    text NOT NULL DEFAULT '' CHECK (length(manufacturer) <= 100),
    model           text NOT NULL DEFAULT '' CHECK (length(model) <= 100),
    serial_number   text NOT NULL DEFAULT '' CHECK (length(serial_number) <= 100),
    purchased_on    date,
    warranty_ends   date,
    location_id     uuid,
    contact_id      uuid,
    -- Free properties: a JSON object of text values ("RAM": "16 GB"), checked by the application
    -- for count and lengths; the database insists on the shape.
    properties      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    CHECK (warranty_ends IS NULL OR purchased_on IS NULL OR warranty_ends >= purchased_on),
    FOREIGN KEY (organisation_id, client_id) REFERENCES clients (organisation_id, id) ON DELETE CASCADE,
    -- The location and the assigned contact are the asset's client's: one key each says so.
    FOREIGN KEY (organisation_id, client_id, location_id)
        REFERENCES locations (organisation_id, client_id, id) ON DELETE SET NULL (location_id),
    FOREIGN KEY (organisation_id, client_id, contact_id)
        REFERENCES contacts (organisation_id, client_id, id) ON DELETE SET NULL (contact_id)
);
-- The list's keyset order, and each client's.
CREATE INDEX assets_name_idx ON assets (organisation_id, lower(name), id);
CREATE INDEX assets_client_idx ON assets (organisation_id, client_id, lower(name), id);
-- "Warranty ends within 30 days": a range scan in date order.
CREATE INDEX assets_warranty_idx ON assets (organisation_id, warranty_ends, id)
    WHERE warranty_ends IS NOT NULL;
CREATE INDEX assets_name_trgm ON assets USING gin (name gin_trgm_ops);
CREATE INDEX assets_serial_trgm ON assets USING gin (serial_number gin_trgm_ops);
CREATE INDEX assets_location_idx ON assets (organisation_id, location_id) WHERE location_id IS NOT NULL;
CREATE INDEX assets_contact_idx ON assets (organisation_id, contact_id) WHERE contact_id IS NOT NULL;
ALTER TABLE assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE assets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON assets USING (organisation_id = (SELECT current_tenant_id()));

-- Which tickets are about which assets (a printer's history; the laptops a ticket names).
CREATE TABLE asset_tickets (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    asset_id        uuid NOT NULL,
    ticket_id       uuid NOT NULL,
    linked_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    linked_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, asset_id, ticket_id),
    FOREIGN KEY (organisation_id, asset_id) REFERENCES assets (organisation_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organisation_id, ticket_id) REFERENCES tickets (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX asset_tickets_ticket_idx ON asset_tickets (organisation_id, ticket_id);
ALTER TABLE asset_tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE asset_tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON asset_tickets USING (organisation_id = (SELECT current_tenant_id()));
