package inventory_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"hostroll/inventory"
)

func TestCleanFilename(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("长", 300) + ".pdf"
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "方案.pdf", "方案.pdf"},
		{"parent dirs", "../../etc/passwd", "passwd"},
		{"dot dot", "..", ""},
		{"windows path", `C:\Users\x\合同.docx`, "合同.docx"},
		{"CR LF", "a\r\nb.txt", "ab.txt"},
		{"NUL and tab", "a\x00b\tc.txt", "abc.txt"},
		{"bidi override", "合同\u202efdp.exe", "合同fdp.exe"},
		{"isolates and marks", "\u2066x\u2069\u200f.pdf", "x.pdf"},
		{"invalid UTF-8", "a\xffb.txt", "ab.txt"},
		{"only controls", "\r\n\u202e", ""},
		{"blank", "   ", ""},
		{"long keeps the extension", long, strings.Repeat("长", inventory.MaxFilenameLen-4) + ".pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := inventory.CleanFilename(tc.in)
			if got != tc.want {
				t.Errorf("CleanFilename(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > inventory.MaxFilenameLen {
				t.Errorf("%d characters, want at most %d", n, inventory.MaxFilenameLen)
			}
		})
	}
}
