package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

func (u *UI) mountUsers(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/users", g("user.read"), u.userList)
	app.Post("/users", g("user.write"), u.userCreate)
	app.Get("/users/:id", g("user.read"), u.userShow)
	app.Post("/users/:id", g("user.write"), u.userUpdate)
	app.Post("/users/:id/password", g("user.write"), u.userResetPassword)
}

type userListView struct {
	Page
	Users    []inventory.User
	Roles    []string
	Statuses []string
	UnitList []inventory.Unit
	Units    unitIndex
	Filter   map[string]string
	Pager    Pager
	Form     formError
	Input    inventory.UserInput
	Created  *inventory.User // the user just made, with
	Secret   string          // their generated password, shown once
}

func (u *UI) userList(c *fiber.Ctx) error {
	return u.showUsers(c, fiber.StatusOK, userListView{})
}

func (u *UI) showUsers(c *fiber.Ctx, status int, v userListView) error {
	ctx := c.UserContext()
	v.Page = u.page(c, "ui.users.title")
	v.Roles, v.Statuses = inventory.Roles, inventory.UserStatuses
	v.Filter = queryFilters(c, "role", "status", "unit_id")
	v.Pager = pagerOf(c, v.Lang, 500)
	var err error
	if v.Units, v.UnitList, err = u.units(ctx); err != nil {
		return err
	}
	v.Users, v.Pager.Total, err = u.cfg.Store.Users(ctx, listParams(v.Pager, c.Query("q"), v.Filter))
	if err != nil {
		return err
	}
	return u.render(c, status, "users_list", v)
}

// formUnit reads the unit select of a user form ("" for none).
func formUnit(c *fiber.Ctx) *int64 {
	id, err := strconv.ParseInt(c.FormValue("unit_id"), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	return &id
}

// userCreate adds a user. Without a password the store generates one, which
// the page shows once and the user must change at first sign-in.
func (u *UI) userCreate(c *fiber.Ctx) error {
	in := inventory.UserInput{Username: strings.TrimSpace(c.FormValue("username")),
		DisplayName: c.FormValue("display_name"), Role: c.FormValue("role"), UnitID: formUnit(c),
		Password: c.FormValue("password"), MustChangePassword: true}
	made, pw, err := u.cfg.Store.CreateUser(c.UserContext(), in)
	if err != nil {
		fe, ok := formErrorOf(err, u.lang(c))
		if !ok {
			return err
		}
		in.Password = ""
		return u.showUsers(c, statusOfForm(err), userListView{Form: fe, Input: in})
	}
	v := userListView{Created: &made}
	if in.Password == "" {
		v.Secret = pw
	}
	return u.showUsers(c, fiber.StatusCreated, v)
}

type userShowView struct {
	Page
	Account  inventory.User
	Roles    []string
	Statuses []string
	UnitList []inventory.Unit
	Form     formError
	Secret   string // a reset password, shown once
}

func (u *UI) userShow(c *fiber.Ctx) error {
	return u.showUser(c, fiber.StatusOK, userShowView{})
}

func (u *UI) showUser(c *fiber.Ctx, status int, v userShowView) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	v.Page = u.page(c, "ui.users.show_title")
	v.Roles, v.Statuses = inventory.Roles, inventory.UserStatuses
	acct, err := u.cfg.Store.User(ctx, id)
	if err != nil {
		return err
	}
	if v.Account.ID == 0 {
		v.Account = acct
	} else {
		v.Account.Username = acct.Username // a refused form keeps its input
	}
	v.Title = acct.Username
	if _, v.UnitList, err = u.units(ctx); err != nil {
		return err
	}
	return u.render(c, status, "users_show", v)
}

// userUpdate changes a user's name, role, unit and status; the store ends
// their sessions when the role or unit changes or they are disabled.
func (u *UI) userUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	edit := inventory.UserEdit{DisplayName: c.FormValue("display_name"), Role: c.FormValue("role"),
		UnitID: formUnit(c), Status: c.FormValue("status")}
	_, err = u.cfg.Store.UpdateUser(c.UserContext(), id, func(e *inventory.UserEdit) error {
		*e = edit
		return nil
	})
	if err != nil {
		fe, ok := formErrorOf(err, u.lang(c))
		if !ok {
			return err
		}
		acct := inventory.User{ID: id, DisplayName: edit.DisplayName, Role: edit.Role, UnitID: edit.UnitID, Status: edit.Status}
		return u.showUser(c, statusOfForm(err), userShowView{Form: fe, Account: acct})
	}
	return seeOther(c, "/users/"+itoa(id), "user_saved")
}

// userResetPassword gives the user a generated password, shown once on the
// page; they must change it when they next sign in, and their sessions end.
func (u *UI) userResetPassword(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	pw, err := u.cfg.Store.SetPassword(c.UserContext(), id, "", true)
	if err != nil {
		return err
	}
	return u.showUser(c, fiber.StatusOK, userShowView{Secret: pw})
}
