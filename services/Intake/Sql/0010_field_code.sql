-- MaLinhVuc: the code of the procedure's field (lĩnh vực), sent to the national portal with its name (the field column).
-- Null: not known (a version written before codes were kept, or a field outside the register without a stated code).
ALTER TABLE procedure_versions ADD COLUMN field_code text;
