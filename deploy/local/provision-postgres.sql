-- One service's two Postgres roles and its database (issue 20, least privilege); idempotent, run on every start.
--   psql -v db=intake -v owner=intake_owner -v owner_password=... -v login=intake -v login_password=... -f provision-postgres.sql
-- The owner role owns the database and every object in it and runs the migrations; the login is what the service runs
-- as: it owns nothing, and the migrator grants it its rights after each migration (Procedures.Messaging.Migrations.RuntimeGrants).
-- The login is created last, so a client that can log in as it knows the whole step is done (the AppHost's readiness).
\set ON_ERROR_STOP on
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'owner_password';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8''', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;

-- A data folder from before this step has its objects owned by the superuser: hand them to the owner role, or its
-- migrations could not alter them. (Sequences of identity columns and indexes follow their tables; extensions' members
-- stay with the extension.)
\connect :"db"
SET procedures.owner = :'owner';
DO $$
DECLARE
    owner text := current_setting('procedures.owner');
    o record;
BEGIN
    FOR o IN SELECT n.nspname FROM pg_namespace n
             WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', 'public')
               AND n.nspowner = 'postgres'::regrole LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', o.nspname, owner);
    END LOOP;
    FOR o IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND c.relowner = 'postgres'::regrole
               AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
               AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e')) LOOP
        EXECUTE format('ALTER %s %I.%I OWNER TO %I',
            CASE o.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                           WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, o.nspname, o.relname, owner);
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND p.proowner = 'postgres'::regrole
               AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.fn, owner);
    END LOOP;
END $$;
\connect postgres

SELECT format('CREATE ROLE %I', :'login') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'login') \gexec
ALTER ROLE :"login" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'login_password';
GRANT CONNECT ON DATABASE :"db" TO :"login";
