//! The example config documents every key with its default value.

use newsdesk::config::Settings;

#[test]
fn example_config_parses_to_the_defaults() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml")).unwrap();
    let parsed = Settings::from_toml(&text).unwrap();
    assert_eq!(parsed, Settings::default());
    // Every section of the settings appears in the example.
    for section in ["[database]", "[sources]", "[fetch]", "[discord]", "[delivery]", "[ops]"] {
        assert!(text.contains(section), "{section} missing from config.example.toml");
    }
    let defaults = toml_keys(&Settings::default());
    for key in defaults {
        assert!(
            text.contains(&format!("{key} =")),
            "key {key} is not documented in config.example.toml"
        );
    }
}

fn toml_keys(settings: &Settings) -> Vec<String> {
    let value = serde_json::to_value(settings).unwrap();
    let mut keys = Vec::new();
    for (_, section) in value.as_object().unwrap() {
        for (key, _) in section.as_object().unwrap() {
            keys.push(key.clone());
        }
    }
    keys
}
