//! The page's components. Each is small; the data they show comes from `crate::state`.

pub mod download;
pub mod drop_zone;
pub mod echarts;
pub mod error_banner;
pub mod file_view;
pub mod forecast_panel;
pub mod legend;
pub mod metric_chart;
pub mod metric_mapping;
pub mod number_field;
pub mod policy_panel;
pub mod results;
pub mod series_chart;
pub mod settle;
pub mod share_panel;
pub mod time_view;
pub mod tracks;
