package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountRectifications registers rectification orders (Art. 12, 15, 18).
// Reviewers issue and review; the staff of the order's unit respond (the
// store checks that the order is their unit's).
func mountRectifications(api fiber.Router, s *inventory.Store) {
	api.Get("/rectifications", can("rectification.read"), listOrExport(s, "rectifications", "rectification", s.Rectifications))
	api.Post("/rectifications", can("rectification.issue"), createRectification(s))
	api.Get("/rectifications/:id", can("rectification.read"), getRectification(s))
	api.Post("/rectifications/:id/responses", can("rectification.respond"), rectificationStep(s.RespondRectification))
	api.Post("/rectifications/:id/close", can("rectification.review"), rectificationStep(s.CloseRectification))
	api.Post("/rectifications/:id/refusal", can("rectification.review"), rectificationStep(s.RefuseRectification))
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
