"""Generated from seeds/releases.yaml and the releases' manifests by build/verify.py: do not edit.

PINS: the sha256 of dataset/<version>/manifest.json of every release this package carries (see cartel_campaign.integrity)."""
PINS = {
    "0.1.0": "177efd5c66126f2f851a87dcfccb3e2ff56fc159dab7a383d033ee0441f755f1",
    "1.0.0": "6ef0c682d4506fff8f331350fb3804bc7faf00803a4c503624288ee9898a62a3",
    "1.1.0": "410bb510007e8ca816fe8a709caf730ea6594abaacc71605268f50f5b8022fea",
    "1.2.0": "b06417e0cdae0e987264db44cc43da094ea2eba935f0fc84e385a593a139b264",
}
