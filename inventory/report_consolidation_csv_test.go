package inventory

import (
	"bytes"
	"strings"
	"testing"
)

// Unit codes and names are user text: in the CSV a leading =, +, -, @ must
// not make a spreadsheet read them as a formula (as the annual plan's CSV).
func TestConsolidationCSVNoFormula(t *testing.T) {
	id := int64(7)
	rep := ConsolidationReport{Units: []ConsolidationRow{{UnitID: &id, UnitCode: "=1+1", UnitName: `@SUM(A1)`}}}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	line := strings.Split(buf.String(), "\n")[1]
	if !strings.HasPrefix(line, "7,'=1+1,'@SUM(A1),") {
		t.Errorf("CSV row %q: user text starting with = or @ is not quoted with '", line)
	}
}
