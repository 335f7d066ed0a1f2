// The sed program that lets a pg_dumpall -c dump load into a fresh Postgres with errors fatal,
// run by the real sed of both kinds a Postgres image has (GNU in Debian images, busybox in
// Alpine ones). Only the prologue's DROPs and the postgres role's own statements change; the
// databases' contents must reach psql byte for byte.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PG_PROLOGUE_SED } from '../../../../plugins/btcpay/src/load-dump.js';

const SEDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['GNU sed', ['sed']],
  ['busybox sed', ['busybox', 'sed']],
];

function sed(command: readonly string[], input: string): string {
  const r = spawnSync(command[0]!, [...command.slice(1), '-e', PG_PROLOGUE_SED], { input, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

// What pg_dumpall -c (Postgres 15) writes before the first database, then two databases whose
// contents hold lines that look like prologue statements.
const BODY = `--
-- Database "template1" dump
--

\\connect template1

--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

--
-- PostgreSQL database dump complete
--

--
-- Database "btcpayservermainnet" dump
--

CREATE DATABASE btcpayservermainnet WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'en_US.utf8';

ALTER DATABASE btcpayservermainnet OWNER TO postgres;

\\connect btcpayservermainnet

COPY public."Invoices" ("Id", "Blob") FROM stdin;
a1\tDROP ROLE zed;
\\.

CREATE FUNCTION public.f() RETURNS void LANGUAGE sql AS $$
DROP ROLE zed;
CREATE ROLE postgres;
DROP DATABASE other;
DROP ROLE IF EXISTS postgres;
$$;

--
-- PostgreSQL database cluster dump complete
--

`;

const HEAD = (drops: string): string => `--
-- PostgreSQL database cluster dump
--

SET default_transaction_read_only = off;

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

--
-- Drop databases (except postgres and template1)
--

${drops}

--
-- Roles
--

CREATE ROLE app;
ALTER ROLE app WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:abc';
CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
CREATE ROLE "o'brien";

--
-- User Configurations
--

`;

const PLAIN = HEAD(`DROP DATABASE btcpayservermainnet;
DROP DATABASE nbxplorermainnet;
DROP DATABASE "my-db";


--
-- Drop roles
--

DROP ROLE app;
DROP ROLE "o'brien";
DROP ROLE postgres;
`);

const IF_EXISTS = HEAD(`DROP DATABASE IF EXISTS btcpayservermainnet;
DROP DATABASE IF EXISTS nbxplorermainnet;
DROP DATABASE IF EXISTS "my-db";


--
-- Drop roles
--

DROP ROLE IF EXISTS app;
DROP ROLE IF EXISTS "o'brien";
DROP ROLE IF EXISTS postgres;
`);

// What psql must get for either dump: drops that cannot fail on an empty cluster, no statement
// about the postgres role (it exists already), everything after the first \connect as dumped.
const EXPECTED = HEAD(`DROP DATABASE IF EXISTS btcpayservermainnet;
DROP DATABASE IF EXISTS nbxplorermainnet;
DROP DATABASE IF EXISTS "my-db";


--
-- Drop roles
--

DROP ROLE IF EXISTS app;
DROP ROLE IF EXISTS "o'brien";
`)
  .replace('CREATE ROLE postgres;\n', '')
  .concat(BODY);

describe.each(SEDS)('PG_PROLOGUE_SED with %s', (_name, command) => {
  it('makes a pg_dumpall -c prologue safe for a fresh cluster and leaves the databases alone', () => {
    expect(sed(command, PLAIN + BODY)).toBe(EXPECTED);
  });

  it('leaves a dump made with --if-exists as it is, but for the postgres role (never IF EXISTS IF EXISTS)', () => {
    const out = sed(command, IF_EXISTS + BODY);
    expect(out).toBe(EXPECTED);
    expect(out).not.toContain('IF EXISTS IF EXISTS');
  });

  it('keeps the role statements of the ALTER lines and the roles other than postgres', () => {
    const out = sed(command, PLAIN + BODY);
    const prologue = out.slice(0, out.indexOf('\\connect '));
    expect(prologue).toContain('CREATE ROLE app;\n');
    expect(prologue).toContain('CREATE ROLE "o\'brien";\n');
    expect(prologue).toContain('ALTER ROLE postgres WITH SUPERUSER');
    expect(prologue).not.toMatch(/^(DROP|CREATE) ROLE (IF EXISTS )?postgres;$/m);
  });

  it('keeps the \\restrict lines newer pg_dumpall versions write, and still ends the prologue at the first \\connect', () => {
    const restricted = (text: string): string => text.replace('SET default_transaction_read_only = off;\n', '\\restrict Zk3s9\n\nSET default_transaction_read_only = off;\n');
    const out = sed(command, restricted(PLAIN) + BODY);
    expect(out).toBe(restricted(EXPECTED.slice(0, EXPECTED.indexOf(BODY))) + BODY);
  });

  it('on a dump made without -c, only takes out CREATE ROLE postgres', () => {
    const noClean = HEAD('');
    expect(sed(command, noClean + BODY)).toBe(noClean.replace('CREATE ROLE postgres;\n', '') + BODY);
  });
});
