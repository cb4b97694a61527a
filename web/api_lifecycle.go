package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountLifecycle registers the project reviewers' routes: lifecycle steps and
// history, documents, the procurement record, evaluations, eligibility and
// the annual plan.
func mountLifecycle(api fiber.Router, cfg Config) {
	s := cfg.Store
	api.Get("/projects/:id/transitions", can("project.read"), nextSteps(s))
	api.Post("/projects/:id/transitions", can("project.step"), transitionProject(s))
	api.Get("/projects/:id/history", can("project.read"), partList(s.ProjectHistory))
	api.Get("/projects/:id/amendments", can("project.read"), partList(s.Amendments))
	api.Post("/projects/:id/amendments", can("project.amend"), amendProject(s))
	api.Get("/projects/:id/documents", can("project.read"), partList(s.Documents))
	api.Post("/projects/:id/documents", can("document.write"), uploadDocument(s))
	api.Get("/projects/:id/documents/:document_id", can("project.read"), downloadDocument(s))
	api.Delete("/projects/:id/documents/:document_id", can("document.write"), deleteDocument(s))
	api.Get("/projects/:id/procurement", can("project.read"), getProcurement(s))
	api.Put("/projects/:id/procurement", can("procurement.write"), putProcurement(s))
	api.Get("/projects/:id/evaluations", can("project.read"), partList(s.Evaluations))
	api.Post("/projects/:id/evaluations", can("evaluation.write"), createEvaluation(s))
	api.Patch("/projects/:id/evaluations/:evaluation_id", can("evaluation.write"), patchEvaluation(s))
	api.Get("/eligibility", can("eligibility.read"), eligibility(s))
	api.Get("/plans/:year", can("plan.read"), annualPlan(s))
}

func transitionProject(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in inventory.TransitionInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		// The route needs project.step; the step itself needs its own action.
		if action := inventory.StepAction(in.To); inventory.KnownAction(action) {
			if err := mayDo(c, authOf(c), action); err != nil {
				return err
			}
		}
		p, err := s.TransitionProject(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
}

// nextSteps previews the steps a project may take next and what each lacks;
// it changes nothing.
func nextSteps(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseOtherQuery(c); err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		out, err := s.ProjectNextSteps(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(out.In(langOf(c)))
	}
}

func amendProject(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in inventory.AmendmentInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		a, err := s.AmendProject(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(a)
	}
}

func createEvaluation(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in inventory.EvaluationInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		ev, err := s.CreateEvaluation(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(ev)
	}
}

func patchEvaluation(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, evID, err := pathIDs(c, "evaluation_id")
		if err != nil {
			return err
		}
		body := c.Body()
		if err := strictJSON(body, new(inventory.EvaluationInput)); err != nil {
			return err
		}
		ev, err := s.UpdateEvaluation(c.UserContext(), id, evID, func(in *inventory.EvaluationInput) error {
			return decodeJSON(body, in)
		})
		if err != nil {
			return err
		}
		return c.JSON(ev)
	}
}

// eligibility answers with the grace period of the store's rule
// configuration, the one the policy checks use.
func eligibility(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseOtherQuery(c, "year"); err != nil {
			return err
		}
		raw := c.Query("year")
		year, err := strconv.Atoi(raw)
		if err != nil {
			return inventory.Invalid("year", "err.lifecycle.year.required_plan_year", raw)
		}
		e, err := s.Eligibility(c.UserContext(), year, s.RuleConfig().AcceptanceGraceDays)
		if err != nil {
			return err
		}
		return c.JSON(e.In(langOf(c)))
	}
}

func annualPlan(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseOtherQuery(c, "format", "as_of"); err != nil {
			return err
		}
		raw := c.Params("year")
		year, err := strconv.Atoi(raw)
		if err != nil {
			return badRequest("api.path_year", raw)
		}
		format := c.Query("format", "json")
		if format != "json" && format != "csv" {
			return inventory.Invalid("format", "err.lifecycle.format.json_csv", format)
		}
		plan, err := s.PlanAsOf(c.UserContext(), year, inventory.Date(c.Query("as_of")))
		if err != nil {
			return err
		}
		if format == "json" {
			return c.JSON(plan)
		}
		return sendCSV(c, fmt.Sprintf("plan-%d.csv", year), plan.WriteCSV)
	}
}
