//! The example config documents every key with its default value.

use newsdesk::config::Settings;

#[test]
fn example_config_parses_to_the_defaults() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml")).unwrap();
    let parsed = Settings::from_toml(&text).unwrap();
    assert_eq!(parsed, Settings::default());
    // Every section of the settings appears in the example.
    for section in [
        "[database]",
        "[sources]",
        "[fetch]",
        "[discord]",
        "[delivery]",
        "[ops]",
        "[llm]",
        "[matrix]",
        "[cooldowns]",
        "[retention]",
    ] {
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

#[test]
fn matrix_settings_name_the_bad_key() {
    let error = |toml: &str| Settings::from_toml(toml).unwrap_err().to_string();
    assert!(
        error("[matrix]\nhomeserver_url = \"https://m.example\"\nuser_id = \"@bot:m.example\"\n")
            .contains("matrix.password")
    );
    assert!(
        error("[matrix]\nhomeserver_url = \"m.example\"\nuser_id = \"@bot:m.example\"\npassword = \"pw\"\n")
            .contains("matrix.homeserver_url")
    );
    assert!(
        error("[matrix]\nhomeserver_url = \"https://m.example\"\nuser_id = \"bot\"\npassword = \"pw\"\n")
            .contains("matrix.user_id")
    );
    assert!(
        error("[matrix]\nhomeserver_url = \"https://m.example\"\naccess_token = \"t\"\nadmin_power_level = 101\n")
            .contains("matrix.admin_power_level")
    );
    let settings = Settings::from_toml(
        "[matrix]\nhomeserver_url = \"https://m.example\"\nuser_id = \"@bot:m.example\"\npassword = \"hunter2\"\n",
    )
    .unwrap();
    assert!(settings.matrix.enabled());
    // The secret never shows in debug output.
    assert!(!format!("{settings:?}").contains("hunter2"));
}
