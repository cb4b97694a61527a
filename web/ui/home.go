package ui

import "github.com/gofiber/fiber/v2"

type homeView struct {
	Page
}

func (u *UI) home(c *fiber.Ctx) error {
	return u.render(c, fiber.StatusOK, "home", homeView{Page: u.page(c, "ui.home.title")})
}
