package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountFindings registers the findings, their exemptions and the check runs.
func mountFindings(api fiber.Router, s *inventory.Store) {
	api.Get("/findings", can("finding.read"), listFindings(s))
	api.Get("/findings/:id", can("finding.read"), getFinding(s))
	api.Post("/findings/:id/exemption", can("exemption.write"), grantExemption(s))
	api.Delete("/findings/:id/exemption", can("exemption.write"), revokeExemption(s))
	api.Get("/checks", can("check.read"), listOrExport(s, "checks", "check", s.Checks))
	api.Post("/checks/run", can("check.run"), runCheck(s))
}

// lang is the language of finding messages: ?lang= (zh-CN and en-US count
// as zh and en; anything else is passed on for the store to refuse), else
// Accept-Language, else Chinese.
func lang(c *fiber.Ctx) string {
	if l := c.Query("lang"); l != "" && !knownLang(l) {
		return l
	}
	return langOf(c)
}

func listFindings(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := listParams(c)
		if err != nil {
			return err
		}
		format, err := takeFormat(c, &p)
		if err != nil {
			return err
		}
		p.Filters["lang"] = lang(c)
		if format != "" {
			p.Filters["lang"] = sheetLang(c)
			return sendPaged(c, s, listSheet{name: "findings", entity: "finding"}, p, format, s.Findings)
		}
		items, total, err := s.Findings(c.UserContext(), p)
		if err != nil {
			return err
		}
		return c.JSON(listBody[inventory.Finding]{Items: items, Total: total})
	}
}

func getFinding(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		f, err := s.Finding(c.UserContext(), id, lang(c))
		if err != nil {
			return err
		}
		return c.JSON(f)
	}
}

func grantExemption(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in inventory.ExemptionInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		if _, err := s.GrantExemption(c.UserContext(), id, in); err != nil {
			return err
		}
		f, err := s.Finding(c.UserContext(), id, lang(c))
		if err != nil {
			return err
		}
		return c.JSON(f)
	}
}

func revokeExemption(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if _, err := s.RevokeExemption(c.UserContext(), id); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// CheckRunInput optionally tunes a run; an empty body runs with the defaults.
type CheckRunInput struct {
	UnreachablePolls       *int `json:"unreachable_polls"`
	AcceptanceGraceDays    *int `json:"acceptance_grace_days"`
	CostOverrunPercent     *int `json:"cost_overrun_percent"`
	CostOverrunHighPercent *int `json:"cost_overrun_high_percent"`
}

// config is the store's rule configuration with the run's overrides.
func (in CheckRunInput) config(base inventory.RuleConfig) (inventory.RuleConfig, error) {
	cfg := base
	ve := &inventory.ValidationError{}
	if in.UnreachablePolls != nil {
		if *in.UnreachablePolls < 1 || *in.UnreachablePolls > 100 {
			ve.Add("unreachable_polls", "err.findings.unreachable_polls.between", *in.UnreachablePolls)
		}
		cfg.UnreachablePolls = *in.UnreachablePolls
	}
	if in.AcceptanceGraceDays != nil {
		if *in.AcceptanceGraceDays < 0 || *in.AcceptanceGraceDays > 3650 {
			ve.Add("acceptance_grace_days", "err.findings.acceptance_grace_days.between", *in.AcceptanceGraceDays)
		}
		cfg.AcceptanceGraceDays = *in.AcceptanceGraceDays
	}
	in.costOverrun(&cfg, ve)
	return cfg, ve.Err()
}

// costOverrun applies the cost-overrun thresholds of the run (Art. 18).
func (in CheckRunInput) costOverrun(cfg *inventory.RuleConfig, ve *inventory.ValidationError) {
	for _, f := range []struct {
		name string
		v    *int
		dest *int
	}{
		{"cost_overrun_percent", in.CostOverrunPercent, &cfg.CostOverrunPercent},
		{"cost_overrun_high_percent", in.CostOverrunHighPercent, &cfg.CostOverrunHighPercent},
	} {
		if f.v == nil {
			continue
		}
		if *f.v < 1 || *f.v > inventory.MaxCostOverrunPercent {
			ve.Add(f.name, "err.findings.field.percentage_between", inventory.MaxCostOverrunPercent, *f.v)
		}
		*f.dest = *f.v
	}
	if cfg.CostOverrunHighPercent < cfg.CostOverrunPercent {
		ve.Add("cost_overrun_high_percent", "err.findings.cost_overrun_high_percent.below_cost_overrun",
			cfg.CostOverrunHighPercent, cfg.CostOverrunPercent)
	}
}

func runCheck(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in CheckRunInput
		if body := c.Body(); len(bytes.TrimSpace(body)) > 0 {
			if err := decodeJSON(body, &in); err != nil {
				return err
			}
		}
		cfg, err := in.config(s.RuleConfig())
		if err != nil {
			return err
		}
		check, err := s.RunCheck(c.UserContext(), inventory.CheckOptions{Config: cfg})
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(check)
	}
}
