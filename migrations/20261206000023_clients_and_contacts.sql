-- Customers (issue 17): the clients an organisation serves, their email domains, the people
-- at them (contacts) with one or more addresses, and tickets' client and requester contact.
-- Tenant tables: organisation_id leads every key, composite foreign keys, RLS ENABLE + FORCE.

-- Search as you type over names ("contains", not only "begins with") at 10,000 clients and
-- 50,000 contacts per organisation: trigram indexes. pg_trgm is a trusted extension, so the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE clients (
    organisation_id    uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone              text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    address            text NOT NULL DEFAULT '' CHECK (length(address) <= 1000),
    -- IANA zone name, checked against the zone database by the application.
    time_zone          text CHECK (length(time_zone) BETWEEN 1 AND 64),
    -- ISO 4217, for what is billed to them later.
    currency           text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    notes              text NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
    status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    account_manager_id uuid REFERENCES users (id) ON DELETE SET NULL,
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id)
);
-- Names are how people tell clients apart (and how an import finds one): unique regardless
-- of case. The same index is the list's keyset order.
CREATE UNIQUE INDEX clients_one_name ON clients (organisation_id, lower(name));
CREATE INDEX clients_status_idx ON clients (organisation_id, status, lower(name));
CREATE INDEX clients_name_trgm ON clients USING gin (name gin_trgm_ops);
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE clients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON clients USING (organisation_id = (SELECT current_tenant_id()));

-- The email domains by which a sender is recognised as someone at a client. A domain belongs
-- to one client of an organisation: the key refuses a second claim.
CREATE TABLE client_domains (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    domain          text NOT NULL CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
    client_id       uuid NOT NULL,
    PRIMARY KEY (organisation_id, domain),
    FOREIGN KEY (organisation_id, client_id) REFERENCES clients (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX client_domains_client_idx ON client_domains (organisation_id, client_id);
ALTER TABLE client_domains ENABLE ROW LEVEL SECURITY;
ALTER TABLE client_domains FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON client_domains USING (organisation_id = (SELECT current_tenant_id()));

CREATE TABLE contacts (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    -- A contact may stand alone (a private customer, or a team's own colleague).
    client_id       uuid,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone           text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    job_title       text NOT NULL DEFAULT '' CHECK (length(job_title) <= 100),
    -- May approve on their client's behalf (approvals, later).
    may_approve     boolean NOT NULL DEFAULT false,
    -- The customer portal: none, their own tickets, or every ticket of their client.
    portal_access   text NOT NULL DEFAULT 'none' CHECK (portal_access IN ('none', 'own', 'client')),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, client_id) REFERENCES clients (organisation_id, id),
    -- Seeing a whole client's tickets needs a client.
    CHECK (portal_access <> 'client' OR client_id IS NOT NULL)
);
CREATE INDEX contacts_name_idx ON contacts (organisation_id, lower(name), id);
CREATE INDEX contacts_client_idx ON contacts (organisation_id, client_id, lower(name), id);
CREATE INDEX contacts_name_trgm ON contacts USING gin (name gin_trgm_ops);
ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON contacts USING (organisation_id = (SELECT current_tenant_id()));

-- A contact's addresses, the first (position 0) the one written to. An address belongs to one
-- contact of an organisation, whatever its case: mail from it finds exactly one person.
CREATE TABLE contact_emails (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    contact_id      uuid NOT NULL,
    position        smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
    PRIMARY KEY (organisation_id, email),
    UNIQUE (organisation_id, contact_id, position),
    FOREIGN KEY (organisation_id, contact_id) REFERENCES contacts (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_emails_trgm ON contact_emails USING gin (email gin_trgm_ops);
ALTER TABLE contact_emails ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_emails FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON contact_emails USING (organisation_id = (SELECT current_tenant_id()));

-- Tickets name the client they are for and the contact who asked. The client is kept as it
-- was when the ticket was filed: a contact who later moves to another client does not take
-- their old tickets along.
ALTER TABLE tickets
    ADD COLUMN client_id uuid,
    ADD COLUMN contact_id uuid,
    ADD FOREIGN KEY (organisation_id, client_id) REFERENCES clients (organisation_id, id),
    ADD FOREIGN KEY (organisation_id, contact_id) REFERENCES contacts (organisation_id, id)
        ON DELETE SET NULL (contact_id);
CREATE INDEX tickets_client_idx ON tickets (organisation_id, client_id, updated_at DESC, id DESC)
    WHERE client_id IS NOT NULL;
CREATE INDEX tickets_contact_idx ON tickets (organisation_id, contact_id, updated_at DESC, id DESC)
    WHERE contact_id IS NOT NULL;
