package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// Poller polls one device now and stores the observation; the collector
// provides it (collector.Collector.PollDevice).
type Poller interface {
	PollDevice(ctx context.Context, id int64) (inventory.Observation, error)
}

// mountObservations adds GET /devices/:id/observations and POST
// /devices/:id/poll.
func mountObservations(api fiber.Router, cfg Config) {
	api.Get("/devices/:id/observations", can("device.read"), func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		p, err := listParams(c)
		if err != nil {
			return err
		}
		items, total, err := cfg.Store.Observations(c.UserContext(), id, p)
		if err != nil {
			return err
		}
		return c.JSON(listBody[inventory.Observation]{Items: items, Total: total})
	})
	api.Post("/devices/:id/poll", can("device.poll"), func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if cfg.Poller == nil {
			return refusal(fiber.StatusServiceUnavailable, "unavailable", "api.no_collector")
		}
		o, err := cfg.Poller.PollDevice(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(o)
	})
}
