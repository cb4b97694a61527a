package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountRectifications registers rectification orders (Art. 12, 15, 18).
// The action each route will declare in the role × action table is beside it.
func mountRectifications(api fiber.Router, s *inventory.Store) {
	api.Get("/rectifications", listRectifications(s))                                    // rectification.read
	api.Post("/rectifications", createRectification(s))                                  // rectification.issue (reviewer)
	api.Get("/rectifications/:id", getRectification(s))                                  // rectification.read
	api.Post("/rectifications/:id/responses", rectificationStep(s.RespondRectification)) // rectification.respond (unit_staff of the unit)
	api.Post("/rectifications/:id/close", rectificationStep(s.CloseRectification))       // rectification.review (reviewer)
	api.Post("/rectifications/:id/refusal", rectificationStep(s.RefuseRectification))    // rectification.review (reviewer)
}

func listRectifications(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := listParams(c)
		if err != nil {
			return err
		}
		items, total, err := s.Rectifications(c.UserContext(), p)
		if err != nil {
			return err
		}
		return c.JSON(listBody[inventory.Rectification]{Items: items, Total: total})
	}
}

func createRectification(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in inventory.RectificationInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		r, err := s.CreateRectification(c.UserContext(), in)
		if err != nil {
			return err
		}
		r, err = s.Rectification(c.UserContext(), r.ID)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(r)
	}
}

func getRectification(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, err := s.Rectification(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(r)
	}
}

// rectificationStep serves a response, a close or a refusal: the order with
// its whole exchange comes back.
func rectificationStep(step func(context.Context, int64, inventory.RectificationStep) (inventory.Rectification, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in inventory.RectificationStep
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		r, err := step(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		return c.JSON(r)
	}
}
