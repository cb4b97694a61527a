package demo

import (
	"fmt"
	"slices"
	"strings"

	"hostroll/inventory"
)

var itemNames = map[string]string{"server": "应用服务器", "switch": "交换机", "storage": "存储阵列",
	"firewall": "防火墙", "security": "安全防护设备", "router": "路由器", "other": "不间断电源"}

// path is the lifecycle from draft to status.
func path(status string) []string {
	main := []string{"submitted", "approved", "spec_reviewed", "procuring", "implementing", "trial_run",
		"acceptance_requested", "accepted", "settled"}
	switch status {
	case "draft":
		return nil
	case "rejected":
		return []string{"submitted", "rejected"}
	case "acceptance_failed":
		return append(main[:6:6], "acceptance_requested", "acceptance_failed")
	}
	return main[:slices.Index(main, status)+1]
}

// stepDate is the paper date of the step to status of a project of plan
// year y: applications in the autumn before, the build in the plan year,
// settlement in the spring after. Plan year 2027 is still being decided.
func stepDate(to string, y int, late bool) inventory.Date {
	switch to {
	case "submitted":
		if late {
			return date(y-1, 12, 8)
		}
		if y >= 2027 {
			return date(y-1, 8, 20)
		}
		return date(y-1, 9, 15)
	case "approved", "rejected":
		if late {
			return date(y-1, 12, 28)
		}
		if y >= 2027 {
			return date(y-1, 10, 15)
		}
		return date(y-1, 11, 20)
	case "spec_reviewed":
		return date(y, 1, 18)
	case "procuring":
		return date(y, 2, 22)
	case "implementing":
		return date(y, 4, 10)
	case "trial_run":
		return date(y, 7, 1)
	case "acceptance_requested":
		return date(y, 10, 20)
	case "accepted", "acceptance_failed":
		return date(y, 11, 25)
	}
	return date(y+1, 3, 20) // settled
}

// projects makes the forty projects, their spec items, the devices of those
// that bought them, and their history.
func (g *gen) projects() {
	seq := map[int]int{}
	for i, def := range projects {
		seq[def.year]++
		code := fmt.Sprintf("XX-%d-%03d", def.year, seq[def.year])
		p := Project{Code: code, Name: def.name, LeadUnit: def.lead, Category: def.category,
			FundingSource: def.funding, Classified: def.classified, PlanYear: def.year, Budget: def.budget,
			Supervisor: Supervisor}
		if def.funding == "prefecture" && i%3 == 0 {
			p.Units = []string{"CZ"} // the finance bureau takes part in what it pays for
		}
		twist := func(t string) bool { return strings.Contains(def.twist, t) }
		steps := path(def.status)
		for _, to := range steps {
			st := Step{To: to, Date: stepDate(to, def.year, twist(twistLate))}
			switch to {
			case "approved":
				st.ApprovalNumber = fmt.Sprintf("州发改〔%d〕%d号", def.year-1, 100+i*3)
			case "trial_run":
				st.TrialRunEnd = date(def.year, 9, 30)
			case "settled":
				st.Settlement = money(def.budget*0.97, 100)
				if twist(twistCostOverrun) {
					st.Settlement = money(def.budget*1.16, 100)
				}
			}
			p.Steps = append(p.Steps, st)
		}
		if slices.Contains(steps, "implementing") {
			amount := money(def.budget*0.96, 100)
			if twist(twistOverContract) {
				amount = money(def.budget*1.056, 100)
			}
			p.Procurement = &inventory.ProcurementInput{Method: "public_tender",
				ProcurementNumber: fmt.Sprintf("XXZC%d-G-%03d", def.year, 10+i),
				Supplier:          suppliers[i%len(suppliers)], ContractNumber: fmt.Sprintf("XX%s-HT-%d-%03d", def.lead, def.year, 10+i),
				ContractAmount: &amount, ContractDate: ptr(date(def.year, 3, 18))}
		}
		p.DropSupervisorAfterSteps = twist(twistNoSupervision)
		p.Evaluation = evaluation(def.twist, def.year)
		g.Projects = append(g.Projects, p)
		g.specAndDevices(def, code, steps)
	}
}

func evaluation(twist string, year int) *inventory.EvaluationInput {
	switch {
	case strings.Contains(twist, twistEvalOK):
		return &inventory.EvaluationInput{Date: date(year+1, 6, 30), MeetsTarget: ptr(true)}
	case strings.Contains(twist, twistEvalProblem), strings.Contains(twist, twistCostOverrun):
		return &inventory.EvaluationInput{Date: date(year+1, 6, 30), MeetsTarget: ptr(false),
			Problems: "县级接入率未达到 90% 的建设目标"}
	case strings.Contains(twist, twistEvalRectified):
		return &inventory.EvaluationInput{Date: date(year+1, 6, 30), MeetsTarget: ptr(false),
			Problems: "部门数据共享目录更新不及时", Rectified: true, RectifiedOn: ptr(date(year+1, 9, 30))}
	}
	return nil
}

// specAndDevices writes a project's spec items and, once it is being
// implemented, the devices it bought: exactly what the spec asks for,
// except where a twist says otherwise.
func (g *gen) specAndDevices(def projectDef, code string, steps []string) {
	bought := slices.Contains(steps, "implementing")
	first := true
	for _, b := range def.buys {
		m := models[b.kind][b.model]
		item := SpecItem{Project: code, Kind: b.kind, Name: itemNames[b.kind], Quantity: b.qty,
			MaxUnitPrice: money(m.price*1.1, 100),
			Requirements: []inventory.Requirement{{Field: "manufacturer", Op: "eq", Value: m.maker},
				{Field: "model", Op: "eq", Value: m.name}}}
		if b.kind == "server" {
			item.Requirements = append(item.Requirements, inventory.Requirement{Field: "cpu_cores", Op: "min", Value: m.cpu},
				inventory.Requirement{Field: "memory_gb", Op: "min", Value: m.mem})
		}
		g.SpecItems = append(g.SpecItems, item)
		if !bought {
			continue
		}
		for range b.qty {
			d := g.device(def.lead, code, m, projectDeviceStatus(def))
			if first && b.kind == "server" && strings.Contains(def.twist, twistSpecMismatch) {
				d.MemoryGB /= 2 // delivered with half the memory of the plan
				first = false
			}
			switch {
			case strings.Contains(def.twist, twistClassifiedRoom), strings.Contains(def.twist, twistPrivateRoom):
				g.placePrivate(&d, def.lead)
			default:
				g.placeCentral(&d, 30)
			}
		}
	}
}

func projectDeviceStatus(def projectDef) string {
	switch def.status {
	case "implementing":
		if strings.Contains(def.twist, twistRunning) {
			return "active"
		}
		return "staged"
	case "acceptance_failed":
		if strings.Contains(def.twist, twistFailedRunning) {
			return "active"
		}
		return "offline"
	}
	return "active"
}

func ptr[T any](v T) *T { return &v }

// story adds what happened after the inventory was taken: polls, orders to
// rectify and a notice of criticism (Art. 12, 15, 18).
func (g *gen) story() {
	g.observations()
	g.Rectifications = []Rectification{
		{Unit: "CZ", Problem: "租用电信、联通专线各 1 条连接州人民银行，未并入电子政务外网（第五条）",
			Action: "将两条专线业务并入电子政务外网，退租专线，报送退租证明", IssuedOn: "2026-03-02", DueOn: "2026-06-30",
			Responses: []string{"联通专线已退租，电信专线待人民银行配合", "电信专线已于本月退租，附退租单"},
			Refusal:   []string{"电信专线仍在使用，请附退租证明"}},
		{Unit: "CZ", Project: g.projectCode("州财政一体化支付平台"), Problem: "绩效评价发现县级接入率未达到 90% 的建设目标",
			Action: "完成其余县市接入并报送接入情况", IssuedOn: "2026-07-15", DueOn: "2027-03-31"},
		{Unit: "FH", Problem: "规划新建县政务机房，违反第五条不得新建机房的规定", Action: "停止机房建设，业务系统迁入州政府中心机房",
			IssuedOn: "2026-04-10", DueOn: "2026-05-31", Responses: []string{"已停止机房建设，县政务系统迁移方案已报州电子政务办"},
			Close: "经核查，机房建设已停止"},
		{Unit: "MZ", Project: g.projectCode("社会救助信息平台"), Problem: "试运行已于 2025 年 9 月结束，逾期未申请竣工验收（第十三条）",
			Action: "补齐验收材料，向州电子政务办申请竣工验收", IssuedOn: "2026-01-12", DueOn: "2026-03-31"},
		{Unit: "WJ", Problem: "州卫生健康委员会数据机房仍在运行，未按计划迁入州政府中心机房（第五条）",
			Action: "制定迁移计划，业务系统分批迁入州政府中心机房", IssuedOn: "2026-05-20", DueOn: "2026-09-30"},
	}
	g.Notice = &Notice{Title: "关于州财政局专线整改不到位的通报", Number: "州政务办通〔2026〕5号",
		Body: "根据《湘西州电子政务工程建设管理办法》第五条、第十二条，我办于 2026 年 3 月向州财政局下达限期整改通知。\n" +
			"经复查，该局首次答复未附退租证明，整改不到位。现予通报批评，请各单位引以为戒。",
		Units: []string{"CZ"}, Rectifications: []int{0}}
}

func (g *gen) projectCode(name string) string {
	for _, p := range g.Projects {
		if p.Name == name {
			return p.Code
		}
	}
	panic("demo: no project " + name)
}
