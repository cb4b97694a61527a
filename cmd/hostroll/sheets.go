package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/sheet"
)

// splitArgs moves the flags of args before its positional arguments, so
// "import devices f.xlsx --dry-run" parses like "import --dry-run devices
// f.xlsx". valued names the flags that take a value.
func splitArgs(args []string, valued ...string) (flags, pos []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && slices.Contains(valued, name) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return flags, pos
}

func cmdImport(ctx context.Context, args []string, w streams) error {
	var cfg Config
	fs := newFlags("import", &cfg, w)
	dry := fs.Bool("dry-run", false, "check the file and print the preview; write nothing")
	lang := fs.String("lang", w.lang, "language of headers, labels and messages: zh or en (default: HOSTROLL_LANG, else the locale's, else zh)")
	flags, pos := splitArgs(args, "db", "lang")
	if err := parse(fs, flags); err != nil {
		return err
	}
	if len(pos) != 2 || !slices.Contains(inventory.SheetKinds, pos[0]) || (*lang != locale.ZH && *lang != locale.EN) {
		fmt.Fprintf(w.err, "usage: hostroll import KIND FILE [--dry-run] [--lang zh|en]\nKIND: %s\n", strings.Join(inventory.SheetKinds, ", "))
		return errUsage
	}
	file, err := readFile(pos[1])
	if err != nil {
		return err
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.CheckImport(ctx, pos[0], file, *lang)
	if err != nil {
		return sheetErr(err, *lang)
	}
	printPreview(w.out, res, *lang)
	if res.ErrorTotal > 0 {
		return &exitError{code: 1, msg: locale.T(*lang, "sheet.cli.refused", res.ErrorTotal)}
	}
	if *dry {
		fmt.Fprintln(w.out, locale.T(*lang, "sheet.cli.dry_run"))
		return nil
	}
	if _, err := s.ImportFile(ctx, pos[0], file, *lang); err != nil {
		return sheetErr(err, *lang)
	}
	fmt.Fprintln(w.out, locale.T(*lang, "sheet.cli.written"))
	return nil
}

// readFile reads an import's file within the size limit ("-" is stdin).
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, &exitError{code: 1, msg: err.Error()}
	}
	defer f.Close()
	return sheet.ReadAll(f, sheet.Limits{})
}

// sheetErr says why a file or an import was refused, in lang.
func sheetErr(err error, lang string) error {
	var se *sheet.Error
	var ve *inventory.ValidationError
	var ce *inventory.ConflictError
	switch {
	case errors.As(err, &se):
		return &exitError{code: 1, msg: locale.T(lang, se.Key(), se.Args...)}
	case errors.As(err, &ve):
		var parts []string
		for k, v := range ve.FieldsIn(lang) {
			parts = append(parts, k+": "+v)
		}
		slices.Sort(parts)
		return &exitError{code: 1, msg: strings.Join(parts, "; ")}
	case errors.As(err, &ce):
		return &exitError{code: 1, msg: ce.Text(lang)}
	}
	return err
}

// printPreview prints the rows that change something or fail, the counts
// and the errors, grouped.
func printPreview(out io.Writer, res inventory.ImportResult, lang string) {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, locale.T(lang, "sheet.cli.header"))
	for _, r := range res.Rows {
		if r.Action == inventory.ActionUnchanged {
			continue
		}
		id := ""
		if r.ID > 0 {
			id = strconv.FormatInt(r.ID, 10)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", r.Row, locale.T(lang, "sheet.action."+r.Action), r.Key, id)
	}
	tw.Flush()
	c := res.Counts
	fmt.Fprintln(out, locale.T(lang, "sheet.cli.counts", len(res.Rows), c.Create, c.Update, c.Unchanged, c.Error))
	if len(res.Ignored) > 0 {
		fmt.Fprintln(out, locale.T(lang, "sheet.cli.ignored", strings.Join(res.Ignored, ", ")))
	}
	for _, e := range res.Errors {
		rows := make([]string, len(e.Rows))
		for i, r := range e.Rows {
			rows[i] = strconv.Itoa(r)
		}
		more := ""
		if e.Count > len(e.Rows) {
			more = "…"
		}
		fmt.Fprintf(out, "%s %s%s [%s%s] %s\n", locale.T(lang, "sheet.cli.rows"), e.Column, headerNote(e.Header),
			strings.Join(rows, ","), more, e.Message)
	}
	if res.ErrorGroups > len(res.Errors) {
		fmt.Fprintln(out, locale.T(lang, "sheet.cli.more_errors", res.ErrorGroups-len(res.Errors)))
	}
}

func headerNote(h string) string {
	if h == "" {
		return ""
	}
	return "(" + h + ")"
}

func cmdExport(ctx context.Context, args []string, w streams) error {
	var cfg Config
	fs := newFlags("export", &cfg, w)
	format := fs.String("format", "", "xlsx or csv (default: from --out's extension, else xlsx)")
	out := fs.String("out", "", "file to write (default: standard output)")
	lang := fs.String("lang", w.lang, "language of headers, labels and messages: zh or en (default: HOSTROLL_LANG, else the locale's, else zh)")
	flags, pos := splitArgs(args, "db", "lang", "format", "out")
	if err := parse(fs, flags); err != nil {
		return err
	}
	if *format == "" {
		*format = sheet.XLSX
		if strings.EqualFold(filepath.Ext(*out), ".csv") {
			*format = sheet.CSV
		}
	}
	if len(pos) != 1 || !slices.Contains(inventory.SheetKinds, pos[0]) || (*format != sheet.CSV && *format != sheet.XLSX) ||
		(*lang != locale.ZH && *lang != locale.EN) {
		fmt.Fprintf(w.err, "usage: hostroll export KIND [--format xlsx|csv] [--out FILE] [--lang zh|en]\nKIND: %s\n",
			strings.Join(inventory.SheetKinds, ", "))
		return errUsage
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	dst := w.out
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		dst = f
	}
	err = s.Export(ctx, pos[0], inventory.ListParams{}, *lang, func(opt sheet.Options) (sheet.Writer, error) {
		return sheet.New(*format, dst, opt)
	})
	if err != nil {
		return sheetErr(err, *lang)
	}
	if f, ok := dst.(*os.File); ok && *out != "" {
		return f.Close()
	}
	return nil
}
