package main

import "hostroll/inventory"

// rectifications gives the demo its orders and a notice (Art. 12, 15, 18):
// the finance bureau ordered to fold its private lines into the extranet
// (answered, refused once, answered again and still awaiting the office),
// the payment platform ordered to fix its evaluation problem (open, due next
// year), Fenghuang county's planned room (answered and closed), and a
// published notice of criticism naming the finance bureau's order.
func (d *demo) rectifications(fin, fh, pay int64) {
	step := func(what string, f func() (inventory.Rectification, error)) { must(d, what, f) }
	order := func(what string, in inventory.RectificationInput) int64 {
		return must(d, what, func() (inventory.Rectification, error) { return d.s.CreateRectification(d.ctx, in) }).ID
	}
	lines := order("order on the finance bureau's lines", inventory.RectificationInput{SubjectType: "unit", SubjectID: fin,
		Problem:  "租用电信、联通专线各 1 条连接州人民银行，未并入电子政务外网（第五条）",
		Action:   "将两条专线业务并入电子政务外网，退租专线，报送退租证明",
		IssuedOn: ptr(inventory.Date("2026-03-02")), DueOn: "2026-06-30"})
	step("response on the lines", func() (inventory.Rectification, error) {
		return d.s.RespondRectification(d.ctx, lines, inventory.RectificationStep{Note: "联通专线已退租，电信专线待人民银行配合"})
	})
	step("refusal on the lines", func() (inventory.Rectification, error) {
		return d.s.RefuseRectification(d.ctx, lines, inventory.RectificationStep{Note: "电信专线仍在使用，请附退租证明"})
	})
	step("second response on the lines", func() (inventory.Rectification, error) {
		return d.s.RespondRectification(d.ctx, lines, inventory.RectificationStep{Note: "电信专线已于本月退租，附退租单"})
	})

	order("order on the payment platform's evaluation", inventory.RectificationInput{SubjectType: "project", SubjectID: pay,
		Problem: "绩效评价发现县级财政接入率未达到 90% 的建设目标",
		Action:  "完成其余县市接入并报送接入情况", IssuedOn: ptr(inventory.Date("2026-07-15")), DueOn: "2027-03-31"})

	room := order("order on Fenghuang's planned room", inventory.RectificationInput{SubjectType: "unit", SubjectID: fh,
		Problem: "规划新建县政务机房，违反第五条不得新建机房的规定", Action: "停止机房建设，业务系统迁入州政府中心机房",
		IssuedOn: ptr(inventory.Date("2026-04-10")), DueOn: "2026-05-31"})
	step("response on the room", func() (inventory.Rectification, error) {
		return d.s.RespondRectification(d.ctx, room, inventory.RectificationStep{Note: "已停止机房建设，县政务系统迁移方案已报州电子政务办"})
	})
	step("close of the room order", func() (inventory.Rectification, error) {
		return d.s.CloseRectification(d.ctx, room, inventory.RectificationStep{Note: "经核查，机房建设已停止"})
	})

	n := must(d, "notice", func() (inventory.Notice, error) {
		return d.s.CreateNotice(d.ctx, inventory.NoticeInput{Title: "关于州财政局专线整改不到位的通报",
			Number: "州政务办通〔2026〕5号",
			Body: "根据《湘西州电子政务工程建设管理办法》第五条、第十二条，我办于 2026 年 3 月向州财政局下达限期整改通知。\n" +
				"经复查，该局首次答复未附退租证明，整改不到位。现予通报批评，请各单位引以为戒。",
			UnitIDs: []int64{fin}, RectificationIDs: []int64{lines}})
	})
	must(d, "publish the notice", func() (inventory.Notice, error) { return d.s.PublishNotice(d.ctx, n.ID) })
}
