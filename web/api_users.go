package web

import (
	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountUsers registers the administrator's routes: users and everyone's
// tokens.
func mountUsers(api fiber.Router, cfg Config) {
	s := cfg.Store
	api.Get("/users", can("user.read"), listOrExport(s, "users", "user", s.Users))
	api.Post("/users", can("user.write"), createUser(s))
	api.Get("/users/:id", can("user.read"), getUser(s))
	api.Patch("/users/:id", can("user.write"), patchUser(s))
	api.Delete("/users/:id", can("user.write"), deleteUser(s))
	api.Post("/users/:id/password", can("user.write"), resetPassword(s))
	api.Delete("/users/:id/totp", can("user.write"), resetUserTOTP(s))
	api.Get("/tokens", can("token.read"), listTokens(s))
	api.Post("/tokens", can("token.write"), createToken(cfg))
	api.Delete("/tokens/:id", can("token.write"), revokeToken(s))
}

// userCreated is a new user with the password they sign in with first:
// shown once, when it was generated.
type userCreated struct {
	inventory.User
	Password string `json:"password,omitempty"`
}

func createUser(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in inventory.UserInput
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		given := in.Password != ""
		if given {
			if err := checkPassword(c, in.Username, in.Password); err != nil {
				return err
			}
		}
		u, pw, err := s.CreateUser(c.UserContext(), in)
		if err != nil {
			return err
		}
		out := userCreated{User: u}
		if !given {
			out.Password = pw
		}
		return c.Status(fiber.StatusCreated).JSON(out)
	}
}

func getUser(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		u, err := s.User(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(u)
	}
}

func patchUser(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		body := c.Body()
		u, err := s.UpdateUser(c.UserContext(), id, func(e *inventory.UserEdit) error { return decodeJSON(body, e) })
		if err != nil {
			return err
		}
		return c.JSON(u)
	}
}

// deleteUser deletes a user the audit log does not name; one it names is
// disabled instead and returned (200).
func deleteUser(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if id == authOf(c).user.ID {
			return inventory.Invalid("id", "err.users.id.you_cannot_delete")
		}
		deleted, err := s.DeleteUser(c.UserContext(), id)
		if err != nil {
			return err
		}
		if deleted {
			return c.SendStatus(fiber.StatusNoContent)
		}
		u, err := s.User(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(u)
	}
}

type resetBody struct {
	Password string `json:"password"`
}

// resetPassword sets a user's password: the one given, or a generated one
// returned once. Either must be changed at the next sign-in.
func resetPassword(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in resetBody
		if len(c.Body()) > 0 {
			if err := decodeJSON(c.Body(), &in); err != nil {
				return err
			}
		}
		pw, err := s.SetPassword(c.UserContext(), id, in.Password, true)
		if err != nil {
			return err
		}
		out := fiber.Map{"must_change_password": true}
		if in.Password == "" {
			out["password"] = pw
		}
		return c.JSON(out)
	}
}
