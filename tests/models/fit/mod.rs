//! Calibration (`wom::fit`): the Bass fit against a published worked
//! example and exact recovery, the continuous-to-network mapping, the
//! independent-cascade estimators against cascades wom generated, and the
//! branching-process estimates against closed forms.

mod bass;
mod branching;
mod ic;
