-- Look-alike identifiers clash (issue 10, item 7): each unique identifier
-- gets a stored folded form (trimmed, Unicode simple case folding, full-width
-- ASCII as half-width; computed in Go by package fold on every write), and a
-- unique index on it is the last word on a race. The old case-sensitive
-- constraints stay; they are weaker and never fire first.
ALTER TABLE units ADD COLUMN code_fold TEXT;
ALTER TABLE projects ADD COLUMN code_fold TEXT;
ALTER TABLE snmp_profiles ADD COLUMN name_fold TEXT;
ALTER TABLE racks ADD COLUMN name_fold TEXT;
ALTER TABLE devices ADD COLUMN manufacturer_fold TEXT;
ALTER TABLE devices ADD COLUMN serial_fold TEXT;
ALTER TABLE devices ADD COLUMN asset_tag_fold TEXT;
ALTER TABLE lines ADD COLUMN carrier_fold TEXT;
ALTER TABLE lines ADD COLUMN circuit_id_fold TEXT;

-- Fills the columns for the rows already there, in this transaction, and
-- refuses the whole migration with one error naming every clash it finds.
-- hostroll:go fill_folded_keys

CREATE UNIQUE INDEX units_code_fold_key ON units (code_fold);
CREATE UNIQUE INDEX projects_code_fold_key ON projects (code_fold);
CREATE UNIQUE INDEX snmp_profiles_name_fold_key ON snmp_profiles (name_fold);
CREATE UNIQUE INDEX racks_name_fold_key ON racks (room_id, name_fold);
CREATE UNIQUE INDEX devices_serial_fold_key ON devices (manufacturer_fold, serial_fold);
CREATE UNIQUE INDEX devices_asset_tag_fold_key ON devices (asset_tag_fold);
CREATE UNIQUE INDEX lines_circuit_fold_key ON lines (carrier_fold, circuit_id_fold);
