"""State changes of the plan, one module per record: the plan and its key projects, tasks, progress reports."""
