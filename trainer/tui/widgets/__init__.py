"""Small display widgets. They show values computed below; they never compute a metric."""
