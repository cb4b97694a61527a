package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"hostroll/inventory"
	"hostroll/sheet"
	"hostroll/web"
)

func init() {
	openapi3filter.RegisterBodyDecoder(sheet.ContentType(sheet.XLSX), openapi3filter.FileBodyDecoder)
}

// importFile previews a file of kind through POST /imports.
func (c *client) importFile(t *testing.T, kind, name string, file []byte) response {
	t.Helper()
	return c.uploadForm(t, "/api/v1/imports?lang=zh", map[string]string{"kind": kind}, name, file)
}

func readSheet(t *testing.T, r response) *sheet.Table {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("export: %d %s", r.status, r.raw)
	}
	tab, err := sheet.Parse(r.raw, "", sheet.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestSheetExportAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unitID, _, rackID := c.rackIn(t, "EXP", 42)
		other := c.unit(t, "EXP-OTHER")
		ctx := inventory.WithActor(context.Background(), "test-setup")
		for i := range 1005 { // more than a page of the largest list
			in := inventory.DefaultDeviceInput()
			in.Name, in.Kind, in.UnitID, in.Serial = fmt.Sprintf("=node-%d", i), "server", unitID, fmt.Sprintf("SN%d", i)
			if i < 3 {
				in.RackID, in.Position = &rackID, ptrTo(1+i)
			}
			if i == 1004 {
				in.UnitID = other
			}
			if _, err := c.store.CreateDevice(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		r := c.do(t, "GET", "/api/v1/devices?format=csv&lang=zh", nil)
		if !bytes.HasPrefix(r.raw, []byte("\xEF\xBB\xBF编号,设备名称,设备类型")) || !bytes.Contains(r.raw, []byte("\r\n")) ||
			!strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.header.Get("Content-Disposition"), `attachment; filename=devices-`) {
			t.Errorf("CSV: %v %q", r.header, r.raw[:min(len(r.raw), 80)])
		}
		if tab := readSheet(t, r); len(tab.Rows) != 1005 || tab.Rows[0].Cell(1) != "=node-0" || tab.Rows[0].Cell(2) != "服务器" {
			t.Errorf("CSV has %d rows, first %q", len(tab.Rows), tab.Rows[0].Cells)
		}
		if !bytes.Contains(r.raw, []byte(",'=node-0,")) {
			t.Error("a name that starts with = is not neutralised")
		}
		tab := readSheet(t, c.do(t, "GET", p("/api/v1/devices?format=xlsx&lang=en&unit_id=%d&rack_id=%d", unitID, rackID), nil))
		if len(tab.Rows) != 3 || tab.Header[1] != "Name" && !strings.Contains(strings.ToLower(tab.Header[1]), "name") || tab.Rows[2].Cell(2) != "Server" {
			t.Errorf("XLSX filtered in English: %q %v", tab.Header, tab.Rows)
		}
		wantErr(t, c.do(t, "GET", "/api/v1/devices?format=pdf", nil), 400, "validation", "format")
		wantErr(t, c.do(t, "GET", "/api/v1/devices?format=csv&status=broken", nil), 400, "validation", "status")

		// A project's spec items, and a project out of reach.
		project := idOf(t, c.create(t, "/api/v1/projects", projectBody("XX-SHEET", unitID)))
		c.create(t, p("/api/v1/projects/%d/spec-items", project), obj{"kind": "server", "name": "计算节点", "quantity": 2,
			"requirements": []obj{{"field": "memory_gb", "op": "min", "value": 128}}})
		spec := readSheet(t, c.do(t, "GET", p("/api/v1/projects/%d/spec-items?format=csv", project), nil))
		if len(spec.Rows) != 1 || spec.Rows[0].Cell(1) != "XX-SHEET" || spec.Rows[0].Cell(6) != "memory_gb >= 128" {
			t.Errorf("spec items: %q %v", spec.Header, spec.Rows)
		}
		wantErr(t, c.do(t, "GET", "/api/v1/projects/999999/spec-items?format=xlsx", nil), 404, "not_found", "")

		staff := c.asUnit(t, inventory.RoleUnitStaff, &other)
		wantErr(t, staff.do(t, "GET", p("/api/v1/projects/%d/spec-items?format=csv", project), nil), 404, "not_found", "")
		if tab := readSheet(t, staff.do(t, "GET", "/api/v1/devices?format=csv&lang=zh", nil)); len(tab.Rows) != 1 || tab.Rows[0].Cell(1) != "=node-1004" {
			t.Errorf("unit staff export %d rows: %v", len(tab.Rows), tab.Rows)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

func TestSheetImportAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unitID, roomID, _ := c.rackIn(t, "IMP", 10)
		_ = roomID
		csv := "设备名称,设备类型,厂商,序列号,所属单位,所在机房,机柜,起始 U 位,占用 U 数\r\n" +
			"web-01,服务器,华为,A1,U-IMP,Room IMP,R-IMP,1,2\r\n" +
			"web-02,server,华为,A2,U-IMP,Room IMP,R-IMP,2,1\r\n" + // overlaps web-01, a row above
			"web-03,mainframe,华为,A1,U-IMP,Room IMP,R-IMP,3,1\r\n" + // bad kind, serial of web-01
			"web-04,server,华为,A4,NOPE,Room IMP,R-IMP,9,3\r\n" // unknown unit, above the top
		d := c.importFile(t, "devices", "devices.csv", []byte(csv)).want(t, 201)
		counts := d["counts"].(map[string]any)
		if num(t, counts["create"]) != 1 || num(t, counts["error"]) != 3 || num(t, d["error_total"]) < 4 {
			t.Fatalf("preview %v", d)
		}
		msgs := fmt.Sprint(d["errors"])
		for _, want := range []string{"mainframe", "NOPE", "第 2 行"} {
			if !strings.Contains(msgs, want) {
				t.Errorf("errors lack %q: %s", want, msgs)
			}
		}
		if _, total := c.list(t, "/api/v1/devices"); total != 0 {
			t.Errorf("the preview wrote %d devices", total)
		}
		wantErr(t, c.do(t, "POST", p("/api/v1/imports/%d/apply", idOf(t, d)), nil), 409, "conflict", "")

		good := "name,kind,manufacturer,serial,unit_id,room,rack_id,position\r\nweb-01,server,华为,A1,U-IMP,Room IMP,R-IMP,1\r\n"
		op := c.as(t, inventory.RoleOperator)
		d = op.importFile(t, "devices", "good.csv", []byte(good)).want(t, 201)
		wantErr(t, c.do(t, "POST", p("/api/v1/imports/%d/apply", idOf(t, d)), nil), 404, "not_found", "") // not who previewed it
		res := op.do(t, "POST", p("/api/v1/imports/%d/apply", idOf(t, d)), nil).want(t, 200)
		if num(t, res["counts"].(map[string]any)["create"]) != 1 {
			t.Errorf("apply %v", res)
		}
		items, _ := c.list(t, "/api/v1/audit?entity=device")
		if len(items) != 1 || items[0]["actor"] != op.user {
			t.Errorf("audit of the import: %v", items)
		}
		wantErr(t, op.do(t, "POST", p("/api/v1/imports/%d/apply", idOf(t, d)), nil), 409, "conflict", "")

		// The data changes between preview and apply.
		d = op.importFile(t, "devices", "good.csv", []byte(strings.Replace(good, "web-01", "web-01b", 1))).want(t, 201)
		c.create(t, "/api/v1/devices", obj{"name": "meanwhile", "kind": "server", "unit_id": unitID})
		wantErr(t, op.do(t, "POST", p("/api/v1/imports/%d/apply", idOf(t, d)), nil), 409, "conflict", "")

		// Roles: a planner imports nothing; an operator no projects.
		wantErr(t, c.as(t, inventory.RolePlanner).importFile(t, "units", "u.csv", []byte("code,name\r\nX,Y\r\n")), 403, "forbidden", "")
		wantErr(t, op.importFile(t, "projects", "p.csv", []byte("code,name\r\nX,Y\r\n")), 403, "forbidden", "")

		// Messages in the request's language; codes and fields stay English.
		r := c.uploadForm(t, "/api/v1/imports?lang=en", map[string]string{"kind": "units"}, "u.csv", []byte("code,name,kind\r\nA,,planet\r\n"))
		d = r.want(t, 201)
		if msgs := fmt.Sprint(d["errors"]); !strings.Contains(msgs, `"planet" is not one of the choices`) || strings.Contains(msgs, "可选") {
			t.Errorf("English preview: %s", msgs)
		}
	})
}

func TestSheetImportRefusedFiles(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		over := wantErr(t, c.doListening(t, "POST", "/api/v1/imports", strings.Repeat("x", web.UploadBodyLimit+1)), 413, "too_large", "")
		if !strings.Contains(message(over), "20 MiB") {
			t.Errorf("a body over the upload limit: %v", over)
		}
		var bomb bytes.Buffer
		zw := zip.NewWriter(&bomb)
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		w.Write(bytes.Repeat([]byte(" "), 80<<20))
		zw.Close()
		for _, tc := range []struct {
			name, kind string
			file       []byte
			status     int
			code, msg  string
		}{
			{"zip bomb", "units", bomb.Bytes(), 413, "too_large", "MiB"},
			{"too large", "units", bytes.Repeat([]byte("a,b\r\n"), 4<<20+10), 413, "too_large", "20 MiB"},
			{"binary", "units", []byte("code\x00name"), 400, "bad_request", "NUL"},
			{"no header", "units", []byte("\r\n"), 400, "bad_request", "表头"},
			{"no key column", "units", []byte("名称\r\nx\r\n"), 400, "validation", "单位代码"},
			{"unknown kind", "users", []byte("a\r\n"), 400, "validation", "kind"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := wantErr(t, c.importFile(t, tc.kind, "f.xlsx", tc.file), tc.status, tc.code, "")
				if !strings.Contains(fmt.Sprint(d), tc.msg) {
					t.Errorf("error %v lacks %q", d, tc.msg)
				}
			})
		}
	})
}
