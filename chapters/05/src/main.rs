fn main() {
    workbook_trace::init_terminal();
    chapter_05::run_scenario();
}
