"""Monitoring views: 首页 dashboard, 督办预警, 主要指标, status-rule settings."""
