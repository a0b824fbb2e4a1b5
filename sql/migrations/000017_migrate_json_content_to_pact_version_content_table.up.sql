-- Moves pact JSON into pact_version_contents (one row per distinct SHA-1 of the content) and sets pacts.pact_version_content_sha.
-- SHA-1 is not built into PostgreSQL: a session-local helper uses pgcrypto's digest() when that extension is
-- installed, otherwise a plain PL/pgSQL SHA-1. It lives in pg_temp and is dropped again below.
CREATE FUNCTION pg_temp.pactflow_sha1_hex(msg bytea) RETURNS text
LANGUAGE plpgsql STRICT AS $fn$
DECLARE
  crypto_schema name;
  result text;
  mask CONSTANT bigint := 4294967295;
  h0 bigint := 1732584193;
  h1 bigint := 4023233417;
  h2 bigint := 2562383102;
  h3 bigint := 271733878;
  h4 bigint := 3285377520;
  a bigint; b bigint; c bigint; d bigint; e bigint; f bigint; k bigint; t bigint;
  w bigint[] := array_fill(0::bigint, ARRAY[80]);
  buf bytea;
  len integer;
  off integer;
BEGIN
  SELECT n.nspname INTO crypto_schema
    FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
   WHERE x.extname = 'pgcrypto';
  IF crypto_schema IS NOT NULL THEN
    EXECUTE format('SELECT encode(%I.digest($1, %L), %L)', crypto_schema, 'sha1', 'hex') INTO result USING msg;
    RETURN result;
  END IF;

  len := length(msg);
  buf := msg || decode('80', 'hex') || decode(repeat('00', ((55 - len) % 64 + 64) % 64), 'hex') || int8send(len::bigint * 8);
  FOR blk IN 0 .. length(buf) / 64 - 1 LOOP
    off := blk * 64;
    FOR j IN 1 .. 16 LOOP
      w[j] := (get_byte(buf, off)::bigint << 24) | (get_byte(buf, off + 1)::bigint << 16)
            | (get_byte(buf, off + 2)::bigint << 8) | get_byte(buf, off + 3)::bigint;
      off := off + 4;
    END LOOP;
    FOR j IN 17 .. 80 LOOP
      t := w[j - 3] # w[j - 8] # w[j - 14] # w[j - 16];
      w[j] := ((t << 1) | (t >> 31)) & mask;
    END LOOP;
    a := h0; b := h1; c := h2; d := h3; e := h4;
    FOR j IN 1 .. 80 LOOP
      IF j <= 20 THEN
        f := (b & c) | ((b # mask) & d); k := 1518500249;
      ELSIF j <= 40 THEN
        f := b # c # d; k := 1859775393;
      ELSIF j <= 60 THEN
        f := (b & c) | (b & d) | (c & d); k := 2400959708;
      ELSE
        f := b # c # d; k := 3395469782;
      END IF;
      t := ((((a << 5) | (a >> 27)) & mask) + f + e + k + w[j]) & mask;
      e := d;
      d := c;
      c := ((b << 30) | (b >> 2)) & mask;
      b := a;
      a := t;
    END LOOP;
    h0 := (h0 + a) & mask;
    h1 := (h1 + b) & mask;
    h2 := (h2 + c) & mask;
    h3 := (h3 + d) & mask;
    h4 := (h4 + e) & mask;
  END LOOP;
  RETURN lpad(to_hex(h0), 8, '0') || lpad(to_hex(h1), 8, '0') || lpad(to_hex(h2), 8, '0')
      || lpad(to_hex(h3), 8, '0') || lpad(to_hex(h4), 8, '0');
END
$fn$;

-- The Pact Broker fails here on a pact without content (it cannot hash it); fail the same way, with a clear message.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pacts WHERE json_content IS NULL) THEN
    RAISE EXCEPTION 'pacts.json_content is NULL for % pact(s); cannot compute their content SHA',
      (SELECT count(*) FROM pacts WHERE json_content IS NULL);
  END IF;
END
$$;

-- The first pact (by id) with a given content supplies the timestamps; existing content rows are kept.
WITH hashed AS MATERIALIZED (
  SELECT id, pg_temp.pactflow_sha1_hex(convert_to(json_content, 'UTF8')) AS sha, json_content, created_at, updated_at
    FROM pacts
), new_contents AS (
  INSERT INTO pact_version_contents (sha, content, created_at, updated_at)
  SELECT DISTINCT ON (sha) sha, json_content, created_at, updated_at
    FROM hashed
   ORDER BY sha, id
  ON CONFLICT (sha) DO NOTHING
)
UPDATE pacts SET pact_version_content_sha = hashed.sha
  FROM hashed
 WHERE pacts.id = hashed.id;

DROP FUNCTION pg_temp.pactflow_sha1_hex(bytea);
