"""State changes of the plan, one module per record: the plan, its key projects, their tasks, the
quarterly progress reports (with the year-end assessment), the bulletins."""
