package web

import (
	"bufio"
	"context"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/sheet"
)

// ListFormats are what a list answers with besides JSON.
var ListFormats = []string{"json", "csv", "xlsx"}

// takeFormat takes format (and, with a spreadsheet, lang) out of a list's
// filters: "" for JSON.
func takeFormat(c *fiber.Ctx, p *inventory.ListParams) (string, error) {
	format, ok := p.Filters["format"]
	if !ok {
		return "", nil
	}
	delete(p.Filters, "format")
	ve := &inventory.ValidationError{}
	if !slices.Contains(ListFormats, format) {
		ve.Add("format", "report.err.one_of", strings.Join(ListFormats, ", "), format)
	}
	if format == "json" {
		return "", ve.Err()
	}
	delete(p.Filters, "lang")
	if l := c.Query("lang"); l != "" && !knownLang(l) {
		ve.Add("lang", "report.err.one_of", strings.Join(locale.Langs, ", "), l)
	}
	return format, ve.Err()
}

// partFormat reads format and lang of a list that takes no other query
// parameter: "" for JSON.
func partFormat(c *fiber.Ctx) (string, error) {
	if err := refuseOtherQuery(c, "format", "lang"); err != nil {
		return "", err
	}
	p := inventory.ListParams{Filters: map[string]string{}}
	for k, v := range c.Queries() {
		p.Filters[k] = v
	}
	format, err := takeFormat(c, &p)
	if err == nil && len(p.Filters) > 0 {
		err = inventory.Invalid("lang", "report.err.lang_with_format")
	}
	return format, err
}

// listSheet is one list exported as a spreadsheet: its name (the file's
// and the title's, report.list.<name>), the entity its field labels are of,
// and the filters its title shows.
type listSheet struct {
	name, entity string
	filters      map[string]string
}

// options are the file's title and header in lang.
func (ls listSheet) options(c *fiber.Ctx, zone *time.Location, cols []listColumn) sheet.Options {
	lang := sheetLang(c)
	title := []string{locale.T(lang, "report.list."+ls.name),
		locale.T(lang, "report.generated_on", time.Now().In(zone).Format(time.DateOnly))}
	var parts []string
	for _, k := range sortedKeys(ls.filters) {
		if k == "lang" {
			continue
		}
		col := listColumn{key: k, enum: enumSets[ls.entity+"."+k]}
		value := ls.filters[k]
		if col.enum != "" {
			value = locale.Label(lang, col.enum, value)
		}
		parts = append(parts, col.heading(lang, ls.entity)+locale.T(lang, "report.filter_sep")+value)
	}
	if len(parts) == 0 {
		title = append(title, locale.T(lang, "report.filters_none"))
	} else {
		title = append(title, locale.T(lang, "report.filters", strings.Join(parts, locale.T(lang, "report.list_sep"))))
	}
	opt := sheet.Options{Title: title, Sheet: locale.T(lang, "report.list."+ls.name)}
	for _, col := range cols {
		opt.Header = append(opt.Header, col.heading(lang, ls.entity))
	}
	return opt
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sendPaged answers every item of a paged list that matches p (limit and
// offset ignored) as a spreadsheet, streamed a page at a time: the first
// page is read before the answer starts, so a bad filter is still a 400.
func sendPaged[T any](c *fiber.Ctx, s *inventory.Store, ls listSheet, p inventory.ListParams, format string,
	list func(context.Context, inventory.ListParams) ([]T, int, error)) error {
	ctx := c.UserContext()
	p.Limit, p.Offset = inventory.MaxLimit, 0
	first, total, err := list(ctx, p)
	if err != nil {
		return err
	}
	if ls.filters == nil {
		ls.filters = p.Filters
	}
	cols := columnsOf(reflect.TypeFor[T](), ls.entity)
	lang, opt := sheetLang(c), ls.options(c, s.Zone(), cols)
	attach(c, ls.name, format)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		err := streamList(ctx, w, format, opt, lang, s.Zone(), cols, first, total, p, list)
		if err != nil { // the answer has begun: the file ends short, and the log says why
			slog.Default().Error("export ended early", "list", ls.name, "err", err)
		}
	})
	return nil
}

func streamList[T any](ctx context.Context, w *bufio.Writer, format string, opt sheet.Options, lang string,
	zone *time.Location, cols []listColumn, page []T, total int, p inventory.ListParams,
	list func(context.Context, inventory.ListParams) ([]T, int, error)) error {
	sw, err := newListWriter(format, w, opt)
	if err != nil {
		return err
	}
	for {
		if err := writeItems(sw, page, cols, lang, zone); err != nil {
			return err
		}
		p.Offset += len(page)
		if len(page) == 0 || p.Offset >= total {
			break
		}
		if page, _, err = list(ctx, p); err != nil {
			return err
		}
	}
	if err := sw.Close(); err != nil {
		return err
	}
	return w.Flush()
}

func writeItems[T any](sw sheet.Writer, items []T, cols []listColumn, lang string, zone *time.Location) error {
	cells := make([]any, len(cols))
	for _, it := range items {
		v := reflect.ValueOf(it)
		for i, col := range cols {
			cells[i] = col.cell(v, lang, zone)
		}
		if err := sw.Row(cells...); err != nil {
			return err
		}
	}
	return nil
}

// sendWhole answers a whole list (a record's parts) as a spreadsheet.
func sendWhole[T any](c *fiber.Ctx, s *inventory.Store, ls listSheet, items []T, format string) error {
	return sendPaged(c, s, ls, inventory.ListParams{}, format,
		func(context.Context, inventory.ListParams) ([]T, int, error) { return items, len(items), nil })
}

// attach names the answer's file and type.
func attach(c *fiber.Ctx, name, format string) {
	c.Set(fiber.HeaderContentType, sheet.ContentType(format))
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+"."+format+`"`)
}

// orSend returns err, or else what send answers.
func orSend(err error, send func() error) error {
	if err != nil {
		return err
	}
	return send()
}

// partListAs is partList that also answers format=csv|xlsx.
func partListAs[T any](s *inventory.Store, name, entity string, fetch func(ctx context.Context, id int64) ([]T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		format, err := partFormat(c)
		if err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		items, err := fetch(c.UserContext(), id)
		if err != nil {
			return err
		}
		if format == "" {
			return c.JSON(listBody[T]{Items: items, Total: len(items)})
		}
		return sendWhole(c, s, listSheet{name: name, entity: entity}, items, format)
	}
}

// listOrExport answers a list route: one page as JSON, or with
// format=csv|xlsx every matching row as a spreadsheet named name, with the
// column labels of entity.
func listOrExport[T any](s *inventory.Store, name, entity string,
	list func(context.Context, inventory.ListParams) ([]T, int, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := listParams(c)
		if err != nil {
			return err
		}
		if format, err := takeFormat(c, &p); err != nil || format != "" {
			return orSend(err, func() error {
				return sendPaged(c, s, listSheet{name: name, entity: entity}, p, format, list)
			})
		}
		items, total, err := list(c.UserContext(), p)
		if err != nil {
			return err
		}
		return c.JSON(listBody[T]{Items: items, Total: total})
	}
}

// exportList is a crud list's spreadsheet answer.
func exportList[T any](s *inventory.Store, name, entity string,
	list func(context.Context, inventory.ListParams) ([]T, int, error)) func(*fiber.Ctx, inventory.ListParams, string) error {
	return func(c *fiber.Ctx, p inventory.ListParams, format string) error {
		return sendPaged(c, s, listSheet{name: name, entity: entity}, p, format, list)
	}
}

// exportingCrud is a crud resource whose list also answers as a
// spreadsheet.
type exportingCrud[T any, I any] struct {
	crud[T, I]
	export func(c *fiber.Ctx, p inventory.ListParams, format string) error
}

func exporting[T any, I any](r crud[T, I], export func(*fiber.Ctx, inventory.ListParams, string) error) exportingCrud[T, I] {
	return exportingCrud[T, I]{r, export}
}

// mount registers the routes as crud does, with the list's spreadsheet.
func (r exportingCrud[T, I]) mount(api fiber.Router, path, noun string) {
	read, write := can(noun+".read"), can(noun+".write")
	api.Get(path, read, r.handleList)
	api.Post(path, write, r.handleCreate)
	api.Get(path+"/:id", read, r.handleGet)
	api.Patch(path+"/:id", write, r.handlePatch)
	api.Delete(path+"/:id", write, r.handleDelete)
}

func (r exportingCrud[T, I]) handleList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	format, err := takeFormat(c, &p)
	if err != nil {
		return err
	}
	if format != "" {
		return r.export(c, p, format)
	}
	items, total, err := r.list(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(listBody[T]{Items: items, Total: total})
}

// newListWriter starts a list's file. A CSV's title lines are as wide as
// its header, so that the file is one rectangle any CSV reader takes.
func newListWriter(format string, w *bufio.Writer, opt sheet.Options) (sheet.Writer, error) {
	if format != sheet.CSV {
		return sheet.New(format, w, opt)
	}
	sw, err := sheet.NewCSV(w, sheet.Options{})
	if err != nil {
		return nil, err
	}
	width := max(1, len(opt.Header))
	row := func(cells ...string) error {
		out := make([]any, width)
		for i, c := range cells {
			out[i] = c
		}
		return sw.Row(out...)
	}
	for _, line := range opt.Title {
		if err := row(line); err != nil {
			return nil, err
		}
	}
	if err := row(); err != nil {
		return nil, err
	}
	return sw, row(opt.Header...)
}
