package web

import (
	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// tokenCreated is a new token with its whole text, shown this once.
type tokenCreated struct {
	inventory.Token
	Text string `json:"token"`
}

func myTokens(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseOtherQuery(c); err != nil {
			return err
		}
		items, err := s.Tokens(c.UserContext(), authOf(c).user.ID)
		if err != nil {
			return err
		}
		return c.JSON(listBody[inventory.Token]{Items: items, Total: len(items)})
	}
}

func createMyToken(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in inventory.TokenInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		return newToken(c, cfg, authOf(c).user.ID, in)
	}
}

func newToken(c *fiber.Ctx, cfg Config, userID int64, in inventory.TokenInput) error {
	t, text, err := cfg.Store.CreateToken(c.UserContext(), cfg.TokenPepper, userID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(tokenCreated{Token: t, Text: text})
}

func revokeMyToken(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if err := s.RevokeToken(c.UserContext(), id, authOf(c).user.ID); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func listTokens(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseOtherQuery(c); err != nil {
			return err
		}
		items, err := s.Tokens(c.UserContext(), 0)
		if err != nil {
			return err
		}
		return c.JSON(listBody[inventory.Token]{Items: items, Total: len(items)})
	}
}

// adminTokenBody makes a token for any user.
type adminTokenBody struct {
	UserID int64 `json:"user_id"`
	inventory.TokenInput
}

func createToken(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in adminTokenBody
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		if _, err := cfg.Store.User(c.UserContext(), in.UserID); err != nil {
			return inventory.Invalid("user_id", "err.tokens.user_id.no_user_has", in.UserID)
		}
		return newToken(c, cfg, in.UserID, in.TokenInput)
	}
}

func revokeToken(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if err := s.RevokeToken(c.UserContext(), id, 0); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}
