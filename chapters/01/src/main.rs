fn main() {
    workbook_trace::init_terminal();
    chapter_01::run_scenario();
}
