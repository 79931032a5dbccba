"""What officials work from: ward lists, dashboards, zone levels and periodic reports."""
