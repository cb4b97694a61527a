package inventory

import (
	"context"
	"strconv"
	"strings"

	"hostroll/fold"
	"hostroll/locale"
)

// deviceKeys are a device's natural keys: manufacturer and serial, the
// asset tag, and for a device with neither its name within its unit.
func deviceKeys(manufacturer, serial, assetTag string, unitID int64, name string) []string {
	var keys []string
	if serial != "" {
		keys = append(keys, "s\x00"+fold.Key(manufacturer)+"\x00"+fold.Key(serial))
	}
	if assetTag != "" {
		keys = append(keys, "a\x00"+fold.Key(assetTag))
	}
	if len(keys) == 0 && unitID != 0 && name != "" {
		keys = append(keys, "n\x00"+strconv.FormatInt(unitID, 10)+"\x00"+fold.Key(name))
	}
	return keys
}

func specCol(key string, p func(*DeviceInput) **int) sheetCol[DeviceInput] {
	return sheetCol[DeviceInput]{key: key, field: "specs." + key, label: "sheet.col.device." + key,
		get: func(_ *sheetRefs, _ int64, in *DeviceInput) any { return optInt(*p(in)) },
		set: func(ix *importer, in *DeviceInput, v string, _ rowCells) string { return ix.cellOptInt(p(in), v) }}
}

// The rack of a device is written as its room's name and its own: rack
// names are unique within a room only.
var deviceRoomCol = sheetCol[DeviceInput]{key: "room", label: "sheet.col.device.room",
	get: func(n *sheetRefs, _ int64, in *DeviceInput) any {
		if in.RackID == nil {
			return nil
		}
		r, _ := n.rack(*in.RackID)
		return n.name("rooms", &r.RoomID)
	},
	set: func(ix *importer, _ *DeviceInput, v string, _ rowCells) string {
		if v == "" {
			return ""
		}
		_, msg := ix.resolve("rooms", v)
		return msg
	}}

var deviceRackCol = sheetCol[DeviceInput]{key: "rack_id", aliases: []string{"rack"},
	get: func(n *sheetRefs, _ int64, in *DeviceInput) any {
		if in.RackID == nil {
			return nil
		}
		r, _ := n.rack(*in.RackID)
		return r.Name
	},
	set: func(ix *importer, in *DeviceInput, v string, row rowCells) string {
		if v == "" {
			in.RackID = nil
			return ""
		}
		room := row["room"]
		if room == "" {
			return ix.optRefCell(&in.RackID, "racks", v)
		}
		roomID, msg := ix.resolve("rooms", room)
		if msg != "" {
			return "" // the room's column says so
		}
		id, err := ix.refs.rackIn(roomID, v)
		if err != nil {
			ix.fatal = err
			return ""
		}
		if id == 0 {
			return locale.T(ix.lang, "sheet.ref.missing.rack", room, v)
		}
		in.RackID = &id
		return ""
	}}

// rackIn finds a rack by its room and name, 0 when there is none.
func (r *sheetRefs) rackIn(roomID int64, name string) (int64, error) {
	if _, err := r.rack(0); err != nil {
		return 0, err
	}
	if r.rackKeys == nil {
		r.rackKeys = make(map[string]int64, len(r.racks))
		for id, rr := range r.racks {
			for _, k := range rackKey(rr.RoomID, rr.Name) {
				r.rackKeys[k] = id
			}
		}
	}
	keys := rackKey(roomID, name)
	if len(keys) == 0 {
		return 0, nil
	}
	return r.rackKeys[keys[0]], nil
}

var deviceSheet = fromResource(devices, deviceList, func(d Device) int64 { return d.ID }, false, &sheetKind[Device, DeviceInput]{
	name: "devices", entity: "device", action: "device.write", keyCols: []string{"manufacturer", "serial"},
	reads:    []string{"device", "unit", "project", "room", "rack", "snmp_profile", "spec_item"},
	defaults: DefaultDeviceInput, validate: (*DeviceInput).Validate,
	cols: []sheetCol[DeviceInput]{
		textCol("name", func(in *DeviceInput) *string { return &in.Name }),
		enumCol("kind", "device_kind", DeviceKinds, func(in *DeviceInput) *string { return &in.Kind }),
		textCol("manufacturer", func(in *DeviceInput) *string { return &in.Manufacturer }),
		textCol("model", func(in *DeviceInput) *string { return &in.Model }),
		textCol("serial", func(in *DeviceInput) *string { return &in.Serial }),
		textCol("asset_tag", func(in *DeviceInput) *string { return &in.AssetTag }),
		refCol("unit_id", "units", func(in *DeviceInput) *int64 { return &in.UnitID }),
		optRefCol("project_id", "projects", func(in *DeviceInput) **int64 { return &in.ProjectID }),
		deviceRoomCol,
		deviceRackCol,
		{key: "position", get: func(_ *sheetRefs, _ int64, in *DeviceInput) any { return optInt(in.Position) },
			set: func(ix *importer, in *DeviceInput, v string, _ rowCells) string {
				return ix.cellOptInt(&in.Position, v)
			}},
		intCol("u_height", func(in *DeviceInput) *int { return &in.UHeight }),
		enumCol("face", "face", Faces, func(in *DeviceInput) *string { return &in.Face }),
		boolCol("full_depth", func(in *DeviceInput) *bool { return &in.FullDepth }),
		enumCol("status", "device_status", DeviceStatuses, func(in *DeviceInput) *string { return &in.Status }),
		textCol("mgmt_ip", func(in *DeviceInput) *string { return &in.MgmtIP }),
		optRefCol("snmp_profile_id", "snmp_profiles", func(in *DeviceInput) **int64 { return &in.SNMPProfileID }),
		{key: "purchase_price", get: func(_ *sheetRefs, _ int64, in *DeviceInput) any { return optFloat(in.PurchasePrice) },
			set: func(ix *importer, in *DeviceInput, v string, _ rowCells) string {
				return ix.cellOptMoney(&in.PurchasePrice, v)
			}},
		specCol("cpu_cores", func(in *DeviceInput) **int { return &in.Specs.CPUCores }),
		specCol("memory_gb", func(in *DeviceInput) **int { return &in.Specs.MemoryGB }),
		specCol("storage_gb", func(in *DeviceInput) **int { return &in.Specs.StorageGB }),
		specCol("ports", func(in *DeviceInput) **int { return &in.Specs.Ports }),
	},
	keys: func(_ *importer, in *DeviceInput) []string {
		return deviceKeys(in.Manufacturer, in.Serial, in.AssetTag, in.UnitID, in.Name)
	},
	existing: func(ix *importer) (map[string]int64, error) {
		return existingKeys(ix, `SELECT id, manufacturer AS a, COALESCE(serial, '') AS b, COALESCE(asset_tag, '') AS c,
			unit_id AS u, name AS n FROM devices`, "devices",
			func(r keyRow) []string { return deviceKeys(r.A, r.B, r.C, r.U, r.N) })
	},
})

// specItemIn is a spec item with the project it belongs to, as a row of a
// sheet holds it.
type specItemIn struct {
	ProjectID int64
	SpecItemInput
}

func specKey(projectID int64, name string) []string {
	if projectID == 0 || name == "" {
		return nil
	}
	return []string{strconv.FormatInt(projectID, 10) + "\x00" + fold.Key(name)}
}

var specItemSheet = &sheetKind[SpecItem, specItemIn]{
	name: "spec-items", entity: "spec_item", action: "spec.write", keyCols: []string{"project_id", "name"},
	reads:    []string{"spec_item", "spec_revision", "project"},
	defaults: func() specItemIn { return specItemIn{SpecItemInput: DefaultSpecItemInput()} },
	validate: func(in *specItemIn) error {
		err := in.SpecItemInput.Validate()
		if in.ProjectID == 0 {
			ve, _ := fieldErrors(err)
			ve.Add("project_id", "sheet.spec.project_required")
			return ve.Err()
		}
		return err
	},
	cols: []sheetCol[specItemIn]{
		withLabel(refCol("project_id", "projects", func(in *specItemIn) *int64 { return &in.ProjectID }), "sheet.col.spec_item.project_id"),
		textCol("name", func(in *specItemIn) *string { return &in.Name }),
		enumCol("kind", "device_kind", DeviceKinds, func(in *specItemIn) *string { return &in.Kind }),
		intCol("quantity", func(in *specItemIn) *int { return &in.Quantity }),
		{key: "max_unit_price", get: func(_ *sheetRefs, _ int64, in *specItemIn) any { return optFloat(in.MaxUnitPrice) },
			set: func(ix *importer, in *specItemIn, v string, _ rowCells) string {
				return ix.cellOptMoney(&in.MaxUnitPrice, v)
			}},
		{key: "requirements",
			get: func(_ *sheetRefs, _ int64, in *specItemIn) any { return requirementsText(in.Requirements) },
			set: func(ix *importer, in *specItemIn, v string, _ rowCells) string {
				return ix.cellRequirements(&in.Requirements, v)
			}},
	},
	input: func(it SpecItem) specItemIn { return specItemIn{ProjectID: it.ProjectID, SpecItemInput: it.input()} },
	id:    func(it SpecItem) int64 { return it.ID },
	get: func(tx *txn, id int64) (SpecItem, error) {
		var pid int64
		if err := tx.get(&pid, `SELECT project_id FROM spec_items WHERE id = ?`, id); err != nil {
			return SpecItem{}, dbErr(err, "spec item "+strconv.FormatInt(id, 10))
		}
		return specItem(tx.ctx, tx, pid, id)
	},
	create: func(tx *txn, in *specItemIn) (SpecItem, error) {
		if in.ProjectID == 0 {
			return SpecItem{}, Invalid("project_id", "sheet.spec.project_required")
		}
		return createSpecItemIn(tx, in.ProjectID, in.SpecItemInput)
	},
	update: func(tx *txn, id int64, in specItemIn) error {
		var pid int64
		if err := tx.get(&pid, `SELECT project_id FROM spec_items WHERE id = ?`, id); err != nil {
			return dbErr(err, "spec item "+strconv.FormatInt(id, 10))
		}
		if pid != in.ProjectID {
			return Invalid("project_id", "sheet.spec.project_fixed")
		}
		_, err := updateSpecItemIn(tx, pid, id, func(p *SpecItemInput) error { *p = in.SpecItemInput; return nil })
		return err
	},
	keys: func(_ *importer, in *specItemIn) []string { return specKey(in.ProjectID, in.Name) },
	existing: func(ix *importer) (map[string]int64, error) {
		q, args := andScopeIn(ix.tx.ctx, `SELECT i.id, CAST(i.project_id AS TEXT) AS a, i.name AS b, '' AS c
			FROM spec_items i JOIN spec_revisions r ON r.id = i.revision_id WHERE r.status = 'current'`,
			nil, "i.project_id", "projects")
		var rows []keyRow
		if err := ix.tx.sel(&rows, q, args...); err != nil {
			return nil, dbErr(err, "read spec items")
		}
		out := make(map[string]int64, len(rows))
		for _, r := range rows {
			pid, _ := strconv.ParseInt(r.A, 10, 64)
			for _, k := range specKey(pid, r.B) {
				addKey(out, k, r.ID)
			}
		}
		return out, nil
	},
	export: exportSpecItems,
}

// exportSpecItems streams the current spec items of the projects in scope,
// or of the one project_id filters.
func exportSpecItems(ctx context.Context, s *Store, p ListParams, each func(SpecItem) error) error {
	query, args := andScope(ctx, "SELECT id FROM projects", nil, scopeRules["projects"].read, false)
	if v, ok := p.Filters["project_id"]; ok {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return Invalid("project_id", "sheet.export.not_id", v)
		}
		query, args = andScope(ctx, "SELECT id FROM projects WHERE id = ?", []any{id}, scopeRules["projects"].read, true)
	}
	var ids []int64
	if err := s.db.SelectContext(ctx, &ids, s.db.Rebind(query+" ORDER BY id"), args...); err != nil {
		return dbErr(err, "list projects")
	}
	for _, id := range ids {
		items, err := currentSpecItems(ctx, s.db, id)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := each(it); err != nil {
				return err
			}
		}
	}
	return nil
}

// requirementsText writes requirements as "memory_gb >= 128; model = X;
// kind in server|storage".
func requirementsText(rs []Requirement) any {
	if len(rs) == 0 {
		return nil
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		op := map[string]string{"min": ">=", "max": "<=", "eq": "=", "in": "in"}[r.Op]
		parts[i] = r.Field + " " + op + " " + specValueText(r.Value)
	}
	return strings.Join(parts, "; ")
}

func specValueText(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []float64:
		s := make([]string, len(x))
		for i, f := range x {
			s[i] = strconv.FormatFloat(f, 'f', -1, 64)
		}
		return strings.Join(s, "|")
	case []string:
		return strings.Join(x, "|")
	case string:
		return x
	}
	return ""
}
