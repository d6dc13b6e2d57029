//! The traffic mix: which endpoint each iteration calls, by weight.

use crate::Error;
use rand::Rng;
use std::fmt;

/// What one iteration does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// `POST /api/v1/enhance` with one prompt.
    Enhance,
    /// `POST /api/v1/batch` with a few prompts.
    Batch,
    /// `GET /api/v1/history?limit=10`.
    History,
    /// `POST /api/v1/analyze`.
    Analyze,
    /// `GET /health`: the cheapest request, to calibrate the generator against other tools.
    Health,
}

impl Endpoint {
    pub const ALL: [Endpoint; 5] = [
        Endpoint::Enhance,
        Endpoint::Batch,
        Endpoint::History,
        Endpoint::Analyze,
        Endpoint::Health,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Endpoint::Enhance => "enhance",
            Endpoint::Batch => "batch",
            Endpoint::History => "history",
            Endpoint::Analyze => "analyze",
            Endpoint::Health => "health",
        }
    }

    pub const fn index(self) -> usize {
        self as usize
    }

    /// Routes that reject anonymous callers.
    pub const fn needs_key(self) -> bool {
        matches!(self, Endpoint::Batch | Endpoint::History)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Weights per endpoint; at least one is positive.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    weights: [u32; 5],
    total: u32,
}

impl Default for Mix {
    /// The product's mix: enhance 70, batch 20, history 10.
    fn default() -> Self {
        Mix::new([70, 20, 10, 0, 0])
    }
}

impl Mix {
    fn new(weights: [u32; 5]) -> Mix {
        Mix {
            weights,
            total: weights.iter().sum(),
        }
    }

    /// `enhance=70,batch=20,history=10`; unnamed endpoints get weight 0.
    pub fn parse(s: &str) -> Result<Mix, Error> {
        let bad = |why: &str| Error::InvalidMix(format!("{s}: {why}"));
        let mut weights = [0_u32; 5];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part
                .split_once('=')
                .ok_or_else(|| bad("expected name=weight pairs"))?;
            let endpoint = Endpoint::ALL
                .into_iter()
                .find(|e| e.as_str() == name.trim())
                .ok_or_else(|| bad("names are enhance, batch, history, analyze and health"))?;
            let weight: u32 = weight
                .trim()
                .parse()
                .map_err(|_| bad("weights are whole numbers"))?;
            if weight > 1_000_000 {
                return Err(bad("weights are at most 1000000"));
            }
            weights[endpoint.index()] = weight;
        }
        let mix = Mix::new(weights);
        if mix.total == 0 {
            return Err(bad("at least one weight must be positive"));
        }
        Ok(mix)
    }

    /// An endpoint drawn by weight.
    pub fn pick(&self, rng: &mut impl Rng) -> Endpoint {
        let mut ticket = rng.random_range(0..self.total);
        for endpoint in Endpoint::ALL {
            let w = self.weights[endpoint.index()];
            if ticket < w {
                return endpoint;
            }
            ticket -= w;
        }
        Endpoint::Enhance
    }

    pub fn weight(&self, endpoint: Endpoint) -> u32 {
        self.weights[endpoint.index()]
    }

    /// Endpoints with a positive weight.
    pub fn endpoints(&self) -> impl Iterator<Item = Endpoint> + '_ {
        Endpoint::ALL.into_iter().filter(|e| self.weight(*e) > 0)
    }
}

impl fmt::Display for Mix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .endpoints()
            .map(|e| format!("{e}={}", self.weight(e)))
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            Mix::parse("enhance=70,batch=20,history=10").unwrap(),
            Mix::default()
        );
        assert_eq!(Mix::parse("health=1").unwrap().to_string(), "health=1");
        for bad in ["", "enhance", "foo=1", "enhance=-1", "enhance=0"] {
            assert!(Mix::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn picks_follow_the_weights() {
        let mix = Mix::parse("enhance=50,analyze=30,health=20").unwrap();
        let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
        let mut counts = [0_u32; 5];
        let n = 100_000;
        for _ in 0..n {
            counts[mix.pick(&mut rng).index()] += 1;
        }
        let share = |e: Endpoint| f64::from(counts[e.index()]) / f64::from(n);
        assert!((share(Endpoint::Enhance) - 0.5).abs() < 0.01);
        assert!((share(Endpoint::Analyze) - 0.3).abs() < 0.01);
        assert!((share(Endpoint::Health) - 0.2).abs() < 0.01);
        assert_eq!(counts[Endpoint::Batch.index()], 0);
    }
}
