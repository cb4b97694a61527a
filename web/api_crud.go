package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// crud is the store side of a resource the API lists, creates, reads, patches
// and deletes. T is what the API returns, I what it reads.
type crud[T any, I any] struct {
	list     func(context.Context, inventory.ListParams) ([]T, int, error)
	get      func(context.Context, int64) (T, error)
	defaults func() I
	create   func(context.Context, I) (T, error)
	update   func(context.Context, int64, func(*I) error) (T, error)
	remove   func(context.Context, int64) error
}

// mount registers GET and POST on path and GET, PATCH and DELETE on path/:id;
// reading needs the action noun.read, writing noun.write.
// An export handler, when given, answers the list's format=csv|xlsx.
func (r crud[T, I]) mount(api fiber.Router, path, noun string, export ...fiber.Handler) {
	read, write := can(noun+".read"), can(noun+".write")
	list := fiber.Handler(r.handleList)
	if len(export) > 0 {
		list = withExport(r.handleSheetList, export[0])
	}
	api.Get(path, read, list)
	api.Post(path, write, r.handleCreate)
	api.Get(path+"/:id", read, r.handleGet)
	api.Patch(path+"/:id", write, r.handlePatch)
	api.Delete(path+"/:id", write, r.handleDelete)
}

func (r crud[T, I]) handleList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	items, total, err := r.list(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(listBody[T]{Items: items, Total: total})
}

// handleSheetList is the list of a collection that also exports: its lang
// parameter is the export's, checked by withExport.
func (r crud[T, I]) handleSheetList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	delete(p.Filters, "lang")
	items, total, err := r.list(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(listBody[T]{Items: items, Total: total})
}

func (r crud[T, I]) handleCreate(c *fiber.Ctx) error {
	in := r.defaults()
	if err := decodeJSON(c.Body(), &in); err != nil {
		return err
	}
	out, err := r.create(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (r crud[T, I]) handleGet(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	out, err := r.get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// handlePatch reads the body onto the stored entity inside the store's write
// transaction, so fields left out keep their values and nothing races.
func (r crud[T, I]) handlePatch(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	body := c.Body()
	if err := strictJSON(body, new(I)); err != nil { // before the write transaction
		return err
	}
	out, err := r.update(c.UserContext(), id, func(in *I) error { return decodeJSON(body, in) })
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (r crud[T, I]) handleDelete(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := r.remove(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
