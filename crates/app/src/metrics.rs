//! Prometheus metrics (SPEC §9 "metrics"), kept by the use-cases and
//! served by the HTTP layer at `/metrics` only with `kinwarden__metrics=true`.
//! One registry per server, reached through the state: two servers in one process (as in the
//! tests) count apart. Labels are bounded: routes by their template, never the raw path.

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RunLabels {
    /// Who started it: `scheduler`, `cli`, `portal`, `change`.
    started_by: String,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BatchLabels {
    /// `sent` by a self-hosted server, `received` by a cloud.
    direction: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: String,
    result: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<RouteLabels>,
    sync_runs: Family<RunLabels, Counter>,
    batch_sizes: HistogramFamily<BatchLabels>,
    job_runs: Family<JobLabels, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

fn batch_histogram() -> Histogram {
    // 1 to 1,024 items; a batch holds at most 1,000.
    Histogram::new(exponential_buckets(1.0, 2.0, 11))
}

fn result(succeeded: bool) -> &'static str {
    if succeeded { "succeeded" } else { "failed" }
}

impl Metrics {
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::with_prefix("kinwarden");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = HistogramFamily::<RouteLabels>::new_with_constructor(latency_histogram as _);
        let sync_runs = Family::<RunLabels, Counter>::default();
        let batch_sizes =
            HistogramFamily::<BatchLabels>::new_with_constructor(batch_histogram as _);
        let job_runs = Family::<JobLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route template",
            latency.clone(),
        );
        registry.register(
            "sponsorship_sync_runs",
            "Sponsorship syncs of an organization to the cloud, by who started them and result",
            sync_runs.clone(),
        );
        registry.register(
            "sponsorship_sync_batch_size",
            "Sponsorships per sync batch, sent (self-hosted) or received (cloud)",
            batch_sizes.clone(),
        );
        registry.register(
            "job_runs",
            "Scheduled job runs, by job and result",
            job_runs.clone(),
        );
        Arc::new(Self {
            registry,
            requests,
            latency,
            sync_runs,
            batch_sizes,
            job_runs,
        })
    }

    /// One HTTP request was answered with `status` after `seconds`.
    pub fn record_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// One sync of an organization ended.
    pub fn sync_run(&self, started_by: &str, succeeded: bool) {
        self.sync_runs
            .get_or_create(&RunLabels {
                started_by: started_by.to_string(),
                result: result(succeeded),
            })
            .inc();
    }

    /// A self-hosted server sent a batch of `size` sponsorships.
    pub fn batch_sent(&self, size: usize) {
        self.batch(size, "sent");
    }

    /// A cloud received a batch of `size` sponsorships.
    pub fn batch_received(&self, size: usize) {
        self.batch(size, "received");
    }

    fn batch(&self, size: usize, direction: &'static str) {
        // Sizes are bounded by the batch limit, far inside f64's exact integers.
        #[allow(clippy::cast_precision_loss)]
        let size = size as f64;
        self.batch_sizes
            .get_or_create(&BatchLabels { direction })
            .observe(size);
    }

    /// A scheduled job ran.
    pub fn job_run(&self, job: &str, succeeded: bool) {
        self.job_runs
            .get_or_create(&JobLabels {
                job: job.to_string(),
                result: result(succeeded),
            })
            .inc();
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}
