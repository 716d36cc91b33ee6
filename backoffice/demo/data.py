"""The demo company: regions, departments and one login per role (known passwords)."""

DEMO_PASSWORD = "demo1234"

REGIONS = [
    ("north", "华北大区"),
    ("east", "华东大区"),
    ("south", "华南大区"),
    ("central", "华中大区"),
    ("southwest", "西南大区"),
    ("northwest", "西北大区"),
]

DEPARTMENTS = [
    ("sales", "销售部"),
    ("backoffice", "销售内勤部"),
    ("finance", "财务部"),
    ("logistics", "仓储物流部"),
    ("admin", "行政部"),
]

# username, role, full name, department, regions
USERS = [
    ("rep_wang", "rep", "王磊", "sales", ["north"]),
    ("rep_li", "rep", "李娜", "sales", ["east"]),
    ("clerk", "clerk", "陈静", "backoffice", []),
    ("clerk2", "clerk", "周敏", "backoffice", []),
    ("clerk3", "clerk", "吴芳", "backoffice", []),
    ("sales_manager", "sales_manager", "赵强", "sales", []),
    ("manager_north", "regional_manager", "刘洋", "sales", ["north"]),
    ("gm", "general_manager", "周伟", "admin", []),
    ("finance", "finance", "孙丽", "finance", []),
    ("warehouse", "warehouse", "吴刚", "logistics", []),
    ("admin", "admin", "系统管理员", "admin", []),
]

# More reps, so that every region's customers have an owner (not printed as logins).
MORE_REPS = [
    ("rep_zhang", "张伟", "south"),
    ("rep_huang", "黄敏", "central"),
    ("rep_yang", "杨洋", "southwest"),
    ("rep_zhou", "周杰", "northwest"),
    ("rep_sun", "孙涛", "north"),
    ("rep_wu", "吴艳", "east"),
]
