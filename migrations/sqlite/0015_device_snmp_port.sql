-- A device may name its own SNMP UDP port, which overrides its profile's:
-- agents on different ports no longer need a profile each. NULL = the
-- profile's port.
ALTER TABLE devices ADD COLUMN snmp_port INTEGER CHECK (snmp_port BETWEEN 1 AND 65535);
