"""Key projects, plan versions and approval, exports, progress reports and bulletins (issue 5)."""
