//! Charts: a PNG drawn with plotters and an embedded font, and text bars for places
//! without images.
