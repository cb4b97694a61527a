package web_test

import (
	"regexp"
	"strings"
	"testing"

	"hostroll/inventory"
)

// TestImportPage: an operator checks a units CSV with a bad row (every
// error listed, nothing written), checks the corrected file, applies it from
// the preview's button, and finds the units; a role that may not write units
// is refused with a page.
func TestImportPage(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		op := c.as(t, inventory.RoleOperator)
		wantPage(t, op.view(t, "/imports"), 200, "导入电子表格", `name="kind"`)
		bad := "\ufeff单位代码,单位名称,单位类型\r\nLX,泸溪县,县市\r\nFH,,县市\r\nBJ,保靖县,星球\r\n"
		r := op.uploadForm(t, "/imports", map[string]string{"kind": "units"}, "units.csv", []byte(bad))
		body := wantPage(t, r, 400, "有错 2 行", "没有写入任何数据")
		if strings.Contains(body, "/apply") {
			t.Error("a preview with errors offers to apply it")
		}
		for _, row := range []string{">3<", ">4<"} {
			if !strings.Contains(body, row) {
				t.Errorf("the errors do not name row %s", row)
			}
		}
		if _, total := c.list(t, "/api/v1/units?code=LX"); total != 0 {
			t.Fatal("a preview wrote a unit")
		}
		good := "\ufeff单位代码,单位名称,单位类型\r\nLX,泸溪县,县市\r\nFH,凤凰县,县市\r\n"
		r = op.uploadForm(t, "/imports", map[string]string{"kind": "units"}, "units.csv", []byte(good))
		body = wantPage(t, r, 200, "新增 2 行", "确认导入")
		m := regexp.MustCompile(`action="(/imports/\d+/apply)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no apply form:\n%.3000s", body)
		}
		done := op.postForm(t, m[1], nil)
		if done.status != 303 || !strings.HasPrefix(done.header.Get("Location"), "/units?") {
			t.Fatalf("apply: %d %s", done.status, done.header.Get("Location"))
		}
		if _, total := c.list(t, "/api/v1/units?code=FH"); total != 1 {
			t.Error("the applied import wrote no unit FH")
		}
		again := op.postForm(t, m[1], nil)
		wantPage(t, again, 409)
		unit := c.unit(t, "IMP")
		staff := c.asUnit(t, inventory.RoleUnitStaff, &unit)
		wantPage(t, staff.uploadForm(t, "/imports", map[string]string{"kind": "units"}, "units.csv", []byte(good)), 403)
		wantPage(t, c.as(t, inventory.RolePlanner).view(t, "/imports"), 403, "import.write")
	})
}
