package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportExportCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "h.db")
	if code, _, errs := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	units := filepath.Join(dir, "units.csv")
	write := func(name, text string) string {
		t.Helper()
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return name
	}
	write(units, "单位代码,单位名称,单位类型\r\nZCZJ,州财政局,部门\r\nJSS,吉首市,县市\r\n")
	bad := write(filepath.Join(dir, "bad.csv"), "code,name,kind\r\nA,甲,部门\r\nB,,planet\r\n")

	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"dry run", []string{"import", "units", units, "--dry-run", "--db", db, "--lang", "zh"}, 0, "试运行"},
		{"nothing written by the dry run", []string{"export", "units", "--format", "csv", "--db", db, "--lang", "zh"}, 0, "单位代码,单位名称"},
		{"errors", []string{"import", "--db", db, "units", bad}, 1, "planet"},
		{"import", []string{"import", "units", units, "--db", db, "--lang", "zh"}, 0, "新增 2"},
		{"again: unchanged", []string{"import", "units", units, "--db", db, "--lang", "en"}, 0, "2 unchanged"},
		{"unknown kind", []string{"import", "users", units, "--db", db}, 2, ""},
		{"export usage", []string{"export", "--format", "pdf", "units", "--db", db}, 2, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.stdout) {
				t.Errorf("exit %d, want %d; stdout %q (want %q); stderr %q", code, tc.code, out, tc.stdout, errs)
			}
		})
	}
	if _, out, _ := runCLI(t, "export", "units", "--format", "csv", "--db", db); strings.Count(out, "\r\n") != 3 {
		t.Errorf("after the dry run and the refused file, the export has %q", out)
	}
	xlsx := filepath.Join(dir, "units.xlsx")
	if code, _, errs := runCLI(t, "export", "units", "--out", xlsx, "--db", db, "--lang", "en"); code != 0 {
		t.Fatal(errs)
	}
	if b, _ := os.ReadFile(xlsx); !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatal("--out FILE.xlsx is not a workbook")
	}
	if code, out, errs := runCLI(t, "import", "units", xlsx, "--db", db, "--lang", "zh"); code != 0 || !strings.Contains(out, "不变 2") {
		t.Errorf("re-import of the export: %d %q %q", code, out, errs)
	}
}
