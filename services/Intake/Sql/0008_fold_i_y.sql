-- Search treats i and y as one letter where Vietnamese writes them interchangeably: "dang ki thuong tru" finds
-- "Đăng ký thường trú", "phu mi" finds "Phường Phú Mỹ", "qui" finds "quy". A y becomes i when it stands at the
-- start of a word or after a consonant (kí/ký, lí/lý, mĩ/mỹ, hi/hy; "y tế" ↔ "i tế") or after "qu" (qui/quy);
-- after any other vowel it stays, since there it is a different sound: "tây" is not "tai", "thủy" is not "thủi".
-- The query words go through the same function (CatalogueSearch), so the rule is in this one place.
-- The stored search columns are generated from catalogue_fold, so they are dropped, the function replaced and the
-- columns added again (which computes them for every existing row); the trigram indexes go and come with them.
ALTER TABLE procedure_versions DROP COLUMN search_text;
ALTER TABLE receiving_units DROP COLUMN search_text;
ALTER TABLE agency_versions DROP COLUMN search_text;

CREATE OR REPLACE FUNCTION catalogue_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, normalize($1, NFC))),
                          '(^|[^aeiouy]|qu)y', '\1i', 'g');

ALTER TABLE procedure_versions
    ADD COLUMN search_text text GENERATED ALWAYS AS (catalogue_fold(code || ' ' || name || ' ' || field)) STORED;
CREATE INDEX procedure_versions_search ON procedure_versions USING gin (search_text gin_trgm_ops);

ALTER TABLE receiving_units
    ADD COLUMN search_text text GENERATED ALWAYS AS (catalogue_fold(id || ' ' || name)) STORED;
CREATE INDEX receiving_units_search ON receiving_units USING gin (search_text gin_trgm_ops);

ALTER TABLE agency_versions
    ADD COLUMN search_text text GENERATED ALWAYS AS (catalogue_fold(id || ' ' || name)) STORED;
