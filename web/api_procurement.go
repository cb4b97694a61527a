package web

import (
	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

func getProcurement(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		p, err := s.Procurement(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
}

// putProcurement records a project's procurement (201) or replaces the
// record it has (200).
func putProcurement(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in inventory.ProcurementInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		p, created, err := s.SetProcurement(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		if created {
			c.Status(fiber.StatusCreated)
		}
		return c.JSON(p)
	}
}
