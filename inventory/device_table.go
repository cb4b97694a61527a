package inventory

import (
	"context"
	"fmt"
	"strings"
)

// DeviceRow is a device as the device list shows it: with the names of its
// unit, project, rack and room.
type DeviceRow struct {
	Device
	UnitName string `db:"unit_name" json:"unit_name"`
	Project  string `db:"project" json:"project"` // code and name, "" without one
	RackName string `db:"rack_name" json:"rack_name"`
	RoomName string `db:"room_name" json:"room_name"`
}

// DeviceQuery selects a page of the device list: the device list's filters
// plus poll_status (ok, error, unreachable, never) and drift (true: the
// latest reachable poll differs from the register; false: it does not, or
// there is none), q, and Sort: a column of DeviceSorts, "-" first for
// descending.
type DeviceQuery struct {
	ListParams
	Sort string
}

// DeviceSorts are the columns the device list sorts on, and how.
var DeviceSorts = map[string]string{
	"id": "devices.id", "name": "devices.name", "kind": "devices.kind", "status": "devices.status",
	"serial": "devices.serial", "asset_tag": "devices.asset_tag", "manufacturer": "devices.manufacturer",
	"model": "devices.model", "mgmt_ip": "devices.mgmt_ip",
	"unit":           "(SELECT name FROM units WHERE units.id = devices.unit_id)",
	"project":        "(SELECT code FROM projects WHERE projects.id = devices.project_id)",
	"placement":      "(SELECT m.name || ' ' || r.name FROM racks r JOIN rooms m ON m.id = r.room_id WHERE r.id = devices.rack_id), devices.position",
	"last_polled_at": "(SELECT MAX(at) FROM observations WHERE observations.device_id = devices.id)",
	"drift":          "CASE WHEN " + driftCond + " THEN 1 ELSE 0 END",
}

// latestObs is the id of a device's latest observation (by poll time).
const latestObs = `(SELECT l.id FROM observations l WHERE l.device_id = devices.id ORDER BY l.at DESC, l.id DESC LIMIT 1)`

// pollConds are the conditions of the poll_status filter.
var pollConds = map[string]string{
	"never":       "NOT EXISTS (SELECT 1 FROM observations l WHERE l.device_id = devices.id)",
	"unreachable": "EXISTS (SELECT 1 FROM observations o WHERE o.id = " + latestObs + " AND NOT o.reachable)",
	"error":       "EXISTS (SELECT 1 FROM observations o WHERE o.id = " + latestObs + " AND o.reachable AND o.error <> '')",
	"ok":          "EXISTS (SELECT 1 FROM observations o WHERE o.id = " + latestObs + " AND o.reachable AND o.error = '')",
}

// driftCond holds when the latest poll reached the device and saw another
// serial, model or manufacturer (case and surrounding spaces aside), CPU
// count or memory than registered: pollInfo's comparison, in SQL (memory
// as observedMemoryGB rounds it, within the 3 % reserve).
var driftCond = "EXISTS (SELECT 1 FROM observations o WHERE o.id = " + latestObs + ` AND o.reachable AND (
	(COALESCE(devices.serial, '') <> '' AND o.serial <> '' AND LOWER(TRIM(devices.serial)) <> LOWER(TRIM(o.serial)))
	OR (devices.model <> '' AND o.model <> '' AND LOWER(TRIM(devices.model)) <> LOWER(TRIM(o.model)))
	OR (devices.manufacturer <> '' AND o.manufacturer <> '' AND LOWER(TRIM(devices.manufacturer)) <> LOWER(TRIM(o.manufacturer)))
	OR (devices.cpu_cores IS NOT NULL AND o.cpu_count IS NOT NULL AND devices.cpu_cores <> o.cpu_count)
	OR (devices.memory_gb IS NOT NULL AND o.memory_mb IS NOT NULL AND (o.memory_mb / 1024.0 > devices.memory_gb
		OR (o.memory_mb / 1024.0 < devices.memory_gb * ` + fmt.Sprint(1-memoryReserve) + ` AND o.memory_mb / 1024.0 <= devices.memory_gb - 1)))))`

// deviceRowCols are a DeviceRow's columns: the device's and the names.
const deviceRowCols = deviceCols + `,
	(SELECT name FROM units WHERE units.id = devices.unit_id) AS unit_name,
	COALESCE((SELECT code || ' ' || name FROM projects WHERE projects.id = devices.project_id), '') AS project,
	COALESCE((SELECT name FROM racks WHERE racks.id = devices.rack_id), '') AS rack_name,
	COALESCE((SELECT m.name FROM racks r JOIN rooms m ON m.id = r.room_id WHERE r.id = devices.rack_id), '') AS room_name`

// deviceWhere is the WHERE clause (and its arguments) of the devices q
// selects, the caller's scope included.
func deviceWhere(ctx context.Context, p *ListParams) (string, []any, error) {
	filters := cloneFilters(p.Filters)
	var extra []string
	ve := &ValidationError{}
	if v, ok := filters["poll_status"]; ok {
		delete(filters, "poll_status")
		if c, ok := pollConds[v]; ok {
			extra = append(extra, c)
		} else {
			ve.Add("poll_status", "err.device_list.one_of", strings.Join(PollStatuses, ", "), v)
		}
	}
	if v, ok := filters["drift"]; ok {
		delete(filters, "drift")
		switch v {
		case "true":
			extra = append(extra, driftCond)
		case "false":
			extra = append(extra, "NOT "+driftCond)
		default:
			ve.Add("drift", "err.device_list.bool", v)
		}
	}
	q := *p
	q.Filters = filters
	where, args, err := deviceList.where(&q)
	if err != nil {
		if fe, ok := err.(*ValidationError); ok {
			for k := range fe.Fields {
				ve.AddMsg(k, fe.msgs[k])
			}
		} else {
			return "", nil, err
		}
	}
	if err := ve.Err(); err != nil {
		return "", nil, err
	}
	p.Limit = q.Limit
	for _, c := range extra {
		if where == "" {
			where = " WHERE " + c
		} else {
			where += " AND " + c
		}
	}
	where, args = andScope(ctx, where, args, scopeDevices, where != "")
	return where, args, nil
}

// DeviceTable lists a page of devices with the names the list shows, and
// the number of devices that match, in three queries whatever the page's
// size (count, page, latest polls).
func (s *Store) DeviceTable(ctx context.Context, q DeviceQuery) ([]DeviceRow, int, error) {
	order, err := deviceOrder(q.Sort)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := deviceWhere(ctx, &q.ListParams)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.GetContext(ctx, &total, s.db.Rebind("SELECT COUNT(*) FROM devices"+where), args...); err != nil {
		return nil, 0, dbErr(err, "count devices")
	}
	rows := []DeviceRow{}
	if total <= q.Offset {
		return rows, total, nil
	}
	// The page's ids are chosen first, on devices alone, so that the names
	// are looked up for the page's rows only, not for every row the sort
	// sees (SQLite's sorter would carry them all).
	ids := page("SELECT devices.id FROM devices"+where, order, q.ListParams)
	err = s.db.SelectContext(ctx, &rows, s.db.Rebind("SELECT "+deviceRowCols+" FROM devices WHERE devices.id IN ("+ids+") ORDER BY "+order), args...)
	if err != nil {
		return nil, 0, dbErr(err, "list devices")
	}
	devs := make([]Device, len(rows))
	for i := range rows {
		devs[i] = rows[i].Device
	}
	if err := loadPollInfo(ctx, s.db, devs); err != nil {
		return nil, 0, err
	}
	for i := range rows {
		rows[i].PollInfo = devs[i].PollInfo
	}
	return rows, total, nil
}

// deviceOrder is the ORDER BY of a sort ("name", "-unit"); nulls come last
// either way, on both engines, and the id breaks ties.
func deviceOrder(sort string) (string, error) {
	if sort == "" {
		return "devices.id", nil
	}
	dir, key := "ASC", sort
	if strings.HasPrefix(sort, "-") {
		dir, key = "DESC", sort[1:]
	}
	expr, ok := DeviceSorts[key]
	if !ok {
		return "", Invalid("sort", "err.device_list.sort", key)
	}
	var parts []string
	for _, e := range splitTop(expr) {
		parts = append(parts, "("+e+") IS NULL, "+e+" "+dir)
	}
	return strings.Join(parts, ", ") + ", devices.id " + dir, nil
}

// splitTop splits a list of expressions at the commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}
