package inventory

import (
	"context"
	"fmt"

	"hostroll/fold"
)

// Device kinds and statuses.
var (
	DeviceKinds    = []string{"server", "switch", "router", "firewall", "storage", "security", "other"}
	DeviceStatuses = []string{"planned", "staged", "active", "offline", "decommissioned"}
)

// Specs are a device's declared hardware figures; nil where not declared.
type Specs struct {
	CPUCores  *int `db:"cpu_cores" json:"cpu_cores"`
	MemoryGB  *int `db:"memory_gb" json:"memory_gb"`
	StorageGB *int `db:"storage_gb" json:"storage_gb"`
	Ports     *int `db:"ports" json:"ports"`
}

// Device is a hosted server, switch, storage array or other box. A device with
// a rack has a position; one without (in storage, not yet racked) has neither.
type Device struct {
	ID            int64    `db:"id" json:"id"`
	Name          string   `db:"name" json:"name"`
	Kind          string   `db:"kind" json:"kind"`
	Manufacturer  string   `db:"manufacturer" json:"manufacturer"`
	Model         string   `db:"model" json:"model"`
	Serial        string   `db:"serial" json:"serial"`
	AssetTag      string   `db:"asset_tag" json:"asset_tag"`
	UnitID        int64    `db:"unit_id" json:"unit_id"`
	ProjectID     *int64   `db:"project_id" json:"project_id"`
	RackID        *int64   `db:"rack_id" json:"rack_id"`
	Position      *int     `db:"position" json:"position"`
	UHeight       int      `db:"u_height" json:"u_height"`
	Face          string   `db:"face" json:"face"`
	FullDepth     bool     `db:"full_depth" json:"full_depth"`
	Status        string   `db:"status" json:"status"`
	MgmtIP        string   `db:"mgmt_ip" json:"mgmt_ip"`
	SNMPProfileID *int64   `db:"snmp_profile_id" json:"snmp_profile_id"`
	SNMPPort      *int     `db:"snmp_port" json:"snmp_port"` // overrides the profile's port
	PurchasePrice *float64 `db:"purchase_price" json:"purchase_price"`
	Specs         Specs    `db:"specs" json:"specs"`
	SpecItemID    *int64   `db:"spec_item_id" json:"spec_item_id"`
	PollInfo               // last_polled_at, poll_status, drift: from the collector (pollstate.go)
}

// DeviceInput creates or patches a device.
type DeviceInput struct {
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	Manufacturer  string   `json:"manufacturer"`
	Model         string   `json:"model"`
	Serial        string   `json:"serial"`
	AssetTag      string   `json:"asset_tag"`
	UnitID        int64    `json:"unit_id"`
	ProjectID     *int64   `json:"project_id"`
	RackID        *int64   `json:"rack_id"`
	Position      *int     `json:"position"`
	UHeight       int      `json:"u_height"`
	Face          string   `json:"face"`
	FullDepth     bool     `json:"full_depth"`
	Status        string   `json:"status"`
	MgmtIP        string   `json:"mgmt_ip"`
	SNMPProfileID *int64   `json:"snmp_profile_id"`
	SNMPPort      *int     `json:"snmp_port"`
	PurchasePrice *float64 `json:"purchase_price"`
	Specs         Specs    `json:"specs"`
	SpecItemID    *int64   `json:"spec_item_id"`
}

// DefaultDeviceInput is the base a new device's JSON is read onto.
func DefaultDeviceInput() DeviceInput {
	return DeviceInput{UHeight: 1, Face: "front", FullDepth: true, Status: "planned"}
}

// Validate checks the fields on their own; the rack's height, the other
// devices and the referenced rows are checked in the write transaction.
func (in *DeviceInput) Validate() error {
	trim(&in.Name, &in.Manufacturer, &in.Model, &in.Serial, &in.AssetTag, &in.MgmtIP)
	ve := &ValidationError{}
	checkRequired(ve, "name", in.Name, 200)
	checkEnum(ve, "kind", in.Kind, DeviceKinds)
	checkMaxLen(ve, "manufacturer", in.Manufacturer, 100)
	checkMaxLen(ve, "model", in.Model, 100)
	checkMaxLen(ve, "serial", in.Serial, 100)
	checkMaxLen(ve, "asset_tag", in.AssetTag, 100)
	if in.UnitID == 0 {
		ve.Add("unit_id", "err.device.unit_id.required_unit_that")
	}
	switch {
	case in.RackID != nil && in.Position == nil:
		ve.Add("position", "err.device.position.required_rack_id")
	case in.RackID == nil && in.Position != nil:
		ve.Add("rack_id", "err.device.rack_id.required_position_send")
	case in.Position != nil && (*in.Position < 1 || *in.Position > MaxRackHeight):
		ve.Add("position", "err.device.position.between_rack_units", MaxRackHeight)
	}
	checkRange(ve, "u_height", in.UHeight, 1, MaxRackHeight)
	checkEnum(ve, "face", in.Face, Faces)
	checkEnum(ve, "status", in.Status, DeviceStatuses)
	checkIP(ve, "mgmt_ip", in.MgmtIP)
	if in.SNMPPort != nil && (*in.SNMPPort < 1 || *in.SNMPPort > 65535) {
		ve.Add("snmp_port", "err.device.snmp_port.range", *in.SNMPPort)
	}
	if in.PurchasePrice != nil {
		checkMoney(ve, "purchase_price", *in.PurchasePrice)
		*in.PurchasePrice = money(*in.PurchasePrice)
	}
	checkOptRange(ve, "specs.cpu_cores", in.Specs.CPUCores, 0, 1<<20)
	checkOptRange(ve, "specs.memory_gb", in.Specs.MemoryGB, 0, 1<<30)
	checkOptRange(ve, "specs.storage_gb", in.Specs.StorageGB, 0, 1<<30)
	checkOptRange(ve, "specs.ports", in.Specs.Ports, 0, 1<<16)
	return ve.Err()
}

// Placement is where the input puts the device, ok false when it is not racked.
func (in *DeviceInput) Placement() (Placement, bool) {
	if in.RackID == nil || in.Position == nil {
		return Placement{}, false
	}
	return Placement{RackID: *in.RackID, Position: *in.Position, UHeight: in.UHeight, Face: in.Face, FullDepth: in.FullDepth}, true
}

const deviceCols = `id, name, kind, manufacturer, model, COALESCE(serial, '') AS serial,
	COALESCE(asset_tag, '') AS asset_tag, unit_id, project_id, rack_id, position, u_height, face,
	full_depth, status, COALESCE(mgmt_ip, '') AS mgmt_ip, snmp_profile_id, snmp_port, purchase_price,
	cpu_cores AS "specs.cpu_cores", memory_gb AS "specs.memory_gb",
	storage_gb AS "specs.storage_gb", ports AS "specs.ports", spec_item_id`

var deviceList = listSpec{
	filters: map[string]filter{
		"kind":       {col: "kind", kind: filterEnum, allowed: DeviceKinds},
		"status":     {col: "status", kind: filterEnum, allowed: DeviceStatuses},
		"face":       {col: "face", kind: filterEnum, allowed: Faces},
		"full_depth": {col: "full_depth", kind: filterBool},
		"unit_id":    {col: "unit_id", kind: filterID},
		"project_id": {col: "project_id", kind: filterID, nullable: true},
		"rack_id":    {col: "rack_id", kind: filterID, nullable: true},
		// room_id=null is the devices that are not racked: every rack has a room.
		"room_id": {col: "rack_id", kind: filterID, nullable: true,
			expr: "rack_id IN (SELECT id FROM racks WHERE room_id = ?)"},
		"snmp_profile_id": {col: "snmp_profile_id", kind: filterID, nullable: true},
		"manufacturer":    {col: "manufacturer", kind: filterText},
		"model":           {col: "model", kind: filterText},
		"spec_item_id":    {col: "spec_item_id", kind: filterID, nullable: true},
	},
	search: []string{"name", "serial", "asset_tag", "mgmt_ip"},
}

var devices = &resource[Device, DeviceInput]{
	entity: "device",
	table:  "devices",
	cols:   deviceCols,
	input: func(d Device) DeviceInput {
		return DeviceInput{Name: d.Name, Kind: d.Kind, Manufacturer: d.Manufacturer, Model: d.Model,
			Serial: d.Serial, AssetTag: d.AssetTag, UnitID: d.UnitID, ProjectID: d.ProjectID,
			RackID: d.RackID, Position: d.Position, UHeight: d.UHeight, Face: d.Face,
			FullDepth: d.FullDepth, Status: d.Status, MgmtIP: d.MgmtIP, SNMPProfileID: d.SNMPProfileID,
			SNMPPort: d.SNMPPort, PurchasePrice: d.PurchasePrice, Specs: d.Specs, SpecItemID: d.SpecItemID}
	},
	check:  checkDevice,
	insert: insertDevice,
	folded: &folded[DeviceInput]{cols: []string{"manufacturer_fold", "serial_fold", "asset_tag_fold"},
		vals: func(in *DeviceInput) []any {
			return []any{fold.Key(in.Manufacturer), nullable(fold.Key(in.Serial)), nullable(fold.Key(in.AssetTag))}
		}},
	load: loadPollInfo,
	update: func(tx *txn, id int64, in *DeviceInput) error {
		return tx.exec(`UPDATE devices SET name = ?, kind = ?, manufacturer = ?, model = ?, serial = ?,
			asset_tag = ?, unit_id = ?, project_id = ?, rack_id = ?, position = ?, u_height = ?, face = ?,
			full_depth = ?, status = ?, mgmt_ip = ?, snmp_profile_id = ?, snmp_port = ?, purchase_price = ?,
			cpu_cores = ?, memory_gb = ?, storage_gb = ?, ports = ?, spec_item_id = ? WHERE id = ?`,
			append(in.args(), id)...)
	},
}

func (in *DeviceInput) args() []any {
	return []any{in.Name, in.Kind, in.Manufacturer, in.Model, nullable(in.Serial),
		nullable(in.AssetTag), in.UnitID, in.ProjectID, in.RackID, in.Position, in.UHeight, in.Face,
		in.FullDepth, in.Status, nullable(in.MgmtIP), in.SNMPProfileID, in.SNMPPort, in.PurchasePrice,
		in.Specs.CPUCores, in.Specs.MemoryGB, in.Specs.StorageGB, in.Specs.Ports, in.SpecItemID}
}

func insertDevice(tx *txn, in *DeviceInput) (int64, error) {
	return tx.insert(`INSERT INTO devices (name, kind, manufacturer, model, serial, asset_tag, unit_id,
		project_id, rack_id, position, u_height, face, full_depth, status, mgmt_ip, snmp_profile_id,
		snmp_port, purchase_price, cpu_cores, memory_gb, storage_gb, ports, spec_item_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.args()...)
}

// checkDevice validates a device write inside its transaction: the fields, the
// rows it refers to, its unique serial and asset tag, and its placement.
func checkDevice(tx *txn, in *DeviceInput, self int64, _ *Device) error {
	ve, err := fieldErrors(in.Validate())
	if err != nil {
		return err
	}
	for _, ref := range []struct {
		field, table string
		id           *int64
	}{
		{"unit_id", "units", &in.UnitID},
		{"project_id", "projects", in.ProjectID},
		{"snmp_profile_id", "snmp_profiles", in.SNMPProfileID},
	} {
		if err := checkRef(tx, ve, ref.field, ref.table, ref.id); err != nil {
			return err
		}
	}
	if err := checkDeviceSpecItem(tx, ve, in); err != nil {
		return err
	}
	if err := ve.Err(); err != nil {
		return err
	}
	if err := checkDeviceUnique(tx, self, in); err != nil {
		return err
	}
	if p, ok := in.Placement(); ok {
		return checkPlacement(tx, self, p)
	}
	return nil
}

// checkDeviceUnique names the device that already has the serial or asset
// tag; the unique constraints stay as the last word on a race.
func checkDeviceUnique(tx *txn, self int64, in *DeviceInput) error {
	var other struct {
		ID     int64  `db:"id"`
		Name   string `db:"name"`
		UnitID int64  `db:"unit_id"`
	}
	sc := CallerOf(tx.ctx).Scope()
	if in.Serial != "" {
		err := tx.get(&other, `SELECT id, name, unit_id FROM devices WHERE manufacturer_fold = ? AND serial_fold = ? AND id <> ?`,
			fold.Key(in.Manufacturer), fold.Key(in.Serial), self)
		if err == nil && !sc.Has(other.UnitID) {
			return conflict("serial", "err.device.serial.serial_manufacturer_already",
				in.Serial, in.Manufacturer)
		}
		if err == nil {
			return conflict("serial", "err.device.serial.serial_manufacturer_already2",
				in.Serial, in.Manufacturer, other.ID, other.Name)
		}
		if err := ignoreNoRows(err); err != nil {
			return dbErr(err, "check serial")
		}
	}
	if in.AssetTag != "" {
		err := tx.get(&other, `SELECT id, name, unit_id FROM devices WHERE asset_tag_fold = ? AND id <> ?`, fold.Key(in.AssetTag), self)
		if err == nil && !sc.Has(other.UnitID) {
			return conflict("asset_tag", "err.device.asset_tag.asset_tag_already", in.AssetTag)
		}
		if err == nil {
			return conflict("asset_tag", "err.device.asset_tag.asset_tag_already2", in.AssetTag, other.ID, other.Name)
		}
		if err := ignoreNoRows(err); err != nil {
			return dbErr(err, "check asset tag")
		}
	}
	return nil
}

// Device returns one device.
func (s *Store) Device(ctx context.Context, id int64) (Device, error) {
	return devices.get(ctx, s.db, id)
}

// Devices lists devices; filters: kind, status, face, full_depth, unit_id,
// project_id, rack_id, room_id, snmp_profile_id, manufacturer, model; q searches
// name, serial and asset tag.
func (s *Store) Devices(ctx context.Context, p ListParams) ([]Device, int, error) {
	return devices.list(ctx, s, deviceList, p)
}

// CreateDevice registers a device; when it is racked its placement is checked
// in the same transaction that writes it.
func (s *Store) CreateDevice(ctx context.Context, in DeviceInput) (Device, error) {
	return devices.create(ctx, s, in)
}

// UpdateDevice applies a patch to a device, re-checking its placement.
func (s *Store) UpdateDevice(ctx context.Context, id int64, apply func(*DeviceInput) error) (Device, error) {
	return devices.patch(ctx, s, id, apply)
}

// DeleteDevice removes a device.
func (s *Store) DeleteDevice(ctx context.Context, id int64) error {
	return devices.remove(ctx, s, id)
}

// String names a device in messages.
func (d Device) String() string { return fmt.Sprintf("device %d %q", d.ID, d.Name) }
