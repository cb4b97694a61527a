package web

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountSpec registers the technical plan's routes (Art. 8, 10): the spec
// items, their revisions and the compliance check.
func mountSpec(api fiber.Router, s *inventory.Store) {
	api.Get("/projects/:id/spec-items", can("project.read"), partList(s.SpecItems))
	api.Post("/projects/:id/spec-items", can("spec.write"), createSpecItem(s))
	api.Get("/projects/:id/spec-items/:item_id", can("project.read"), getSpecItem(s))
	api.Patch("/projects/:id/spec-items/:item_id", can("spec.write"), patchSpecItem(s))
	api.Delete("/projects/:id/spec-items/:item_id", can("spec.write"), deleteSpecItem(s))
	api.Get("/projects/:id/spec-revisions", can("project.read"), partList(s.SpecRevisions))
	api.Post("/projects/:id/spec-revisions", can("spec.revision.propose"), proposeSpecRevision(s))
	api.Post("/projects/:id/spec-revisions/:revision_id/approve", can("spec.revision.review"), reviewSpecRevision(s.ApproveSpecRevision))
	api.Post("/projects/:id/spec-revisions/:revision_id/reject", can("spec.revision.review"), reviewSpecRevision(s.RejectSpecRevision))
	api.Get("/projects/:id/compliance", can("project.read"), projectCompliance(s))
}

func createSpecItem(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		in := inventory.DefaultSpecItemInput()
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		out, err := s.CreateSpecItem(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(out)
	}
}

func getSpecItem(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, itemID, err := pathIDs(c, "item_id")
		if err != nil {
			return err
		}
		out, err := s.SpecItem(c.UserContext(), id, itemID)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func patchSpecItem(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, itemID, err := pathIDs(c, "item_id")
		if err != nil {
			return err
		}
		body := c.Body()
		if err := strictJSON(body, new(inventory.SpecItemInput)); err != nil {
			return err
		}
		out, err := s.UpdateSpecItem(c.UserContext(), id, itemID, func(in *inventory.SpecItemInput) error {
			// Sent requirements replace the old ones: decoded onto them, an
			// entry would keep what the old entry at its index had.
			var keys map[string]json.RawMessage
			if json.Unmarshal(body, &keys) == nil {
				if _, ok := keys["requirements"]; ok {
					in.Requirements = nil
				}
			}
			return decodeJSON(body, in)
		})
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func deleteSpecItem(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, itemID, err := pathIDs(c, "item_id")
		if err != nil {
			return err
		}
		if err := s.DeleteSpecItem(c.UserContext(), id, itemID); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func proposeSpecRevision(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in inventory.SpecRevisionInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		out, err := s.ProposeSpecRevision(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(out)
	}
}

// reviewSpecRevision approves or rejects a proposed revision; the body
// ({"note": ...}) may be left out when approving.
func reviewSpecRevision(review func(ctx context.Context, projectID, revID int64, in inventory.SpecReviewInput) (inventory.SpecRevision, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, revID, err := pathIDs(c, "revision_id")
		if err != nil {
			return err
		}
		var in inventory.SpecReviewInput
		if len(bytes.TrimSpace(c.Body())) > 0 {
			if err := decodeJSON(c.Body(), &in); err != nil {
				return err
			}
		}
		out, err := review(c.UserContext(), id, revID, in)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func projectCompliance(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		out, err := s.Compliance(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(out.In(langOf(c)))
	}
}
